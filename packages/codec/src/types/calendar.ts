/**
 * Proleptic Gregorian calendar arithmetic in UTC for the date and timestamp
 * text forms (no Date.parse: its non-ISO formats are implementation-defined).
 */

const MS_PER_DAY = 86_400_000;
const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** 'YYYY-MM-DD' for years 1..9999, otherwise undefined. */
export function formatDate(days: number): string | undefined {
  const { year, month, day } = civilFromDays(days);
  if (year < 1 || year > 9999) return undefined;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

const DATE_PART = '([+-]\\d{6}|\\d{4})-(\\d{2})-(\\d{2})';
const DATE_PATTERN = new RegExp(`^${DATE_PART}$`);
const TIMESTAMP_PATTERN = new RegExp(
  `^${DATE_PART}(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,3}))?)?)?\\s*(Z|z|[+-]\\d{2}(?::?\\d{2})?)?$`,
);

/** Days since the epoch of a valid year/month/day, or undefined. */
function civilDays(yearText: string, monthText: string, dayText: string): number | undefined {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (yearText === '-000000' || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  return daysFromCivil(year, month, day);
}

/** Parses 'YYYY-MM-DD' (or an ISO extended year '±YYYYYY-MM-DD') to days since the epoch. */
export function parseDate(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text);
  return match === null ? undefined : civilDays(match[1]!, match[2]!, match[3]!);
}

/**
 * Parses an ISO-8601 timestamp to ms since the epoch: a date, optionally
 * `T` or space and HH:MM[:SS[.fff]], optionally a zone (Z, ±HH, ±HHMM,
 * ±HH:MM; none means UTC). Undefined if malformed or outside ±8.64e15 ms.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return undefined;
  const days = civilDays(match[1]!, match[2]!, match[3]!);
  const hours = Number(match[4] ?? 0);
  const minutes = Number(match[5] ?? 0);
  const seconds = Number(match[6] ?? 0);
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  if (days === undefined || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  let offsetMinutes = 0;
  const zone = match[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = Number(digits.slice(2) || '0');
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  const ms = days * MS_PER_DAY + ((hours * 60 + minutes - offsetMinutes) * 60 + seconds) * 1000 + millis;
  return Math.abs(ms) <= MAX_TIMESTAMP_MS ? ms : undefined;
}

/** ISO-8601 with milliseconds and 'Z'; years outside 0..9999 in the ±YYYYYY form. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
