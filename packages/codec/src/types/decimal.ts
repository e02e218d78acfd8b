/**
 * Arbitrary-precision decimals: `value = unscaled × 10^-scale`, scale a signed
 * 32-bit integer, as Java's BigDecimal (and so Cassandra's decimal type).
 */

export interface CqlDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * The scale-free form of a decimal: `value = sign × 0.digits × 10^exponent`,
 * `digits` without leading or trailing zeros ('' for zero). Numerically equal
 * decimals (1.0 and 1.00) have the same parts; this is what orders them.
 */
export interface DecimalParts {
  readonly sign: -1 | 0 | 1;
  readonly digits: string;
  readonly exponent: number;
}

export function decimalParts(value: CqlDecimal): DecimalParts {
  const { unscaled, scale } = value;
  if (unscaled === 0n) return { sign: 0, digits: '', exponent: 0 };
  const all = (unscaled < 0n ? -unscaled : unscaled).toString();
  let end = all.length;
  while (all.charCodeAt(end - 1) === 0x30) end--;
  return { sign: unscaled < 0n ? -1 : 1, digits: all.slice(0, end), exponent: all.length - scale };
}

/** Orders decimals by numeric value, as BigDecimal.compareTo: 1.0 equals 1.00. */
export function compareDecimal(a: CqlDecimal, b: CqlDecimal): number {
  const pa = decimalParts(a);
  const pb = decimalParts(b);
  if (pa.sign !== pb.sign) return pa.sign < pb.sign ? -1 : 1;
  if (pa.sign === 0) return 0;
  let c = 0;
  if (pa.exponent !== pb.exponent) c = pa.exponent < pb.exponent ? -1 : 1;
  else if (pa.digits !== pb.digits) c = pa.digits < pb.digits ? -1 : 1;
  return c === 0 ? 0 : c * pa.sign;
}

/** The largest power of ten {@link decimalFromParts} multiplies by to bring a scale back into range. */
export const MAX_DECIMAL_RESCALE_DIGITS = 4096;

/**
 * Rebuilds a decimal from its parts with the smallest scale that represents it
 * (trailing zeros stripped), or undefined if no int32 scale can.
 */
export function decimalFromParts(parts: DecimalParts): CqlDecimal | undefined {
  if (parts.sign === 0) return { unscaled: 0n, scale: 0 };
  let unscaled = BigInt(parts.digits);
  let scale = parts.digits.length - parts.exponent;
  if (scale > INT32_MAX) return undefined;
  if (scale < INT32_MIN) {
    const pad = INT32_MIN - scale;
    if (pad > MAX_DECIMAL_RESCALE_DIGITS) return undefined;
    unscaled *= 10n ** BigInt(pad);
    scale = INT32_MIN;
  }
  return { unscaled: parts.sign < 0 ? -unscaled : unscaled, scale };
}

/**
 * Java's BigDecimal.toString: plain notation when the scale is non-negative and
 * the adjusted exponent is at least -6, scientific otherwise. Parsing the result
 * with {@link parseDecimal} gives back the same unscaled value and scale.
 */
export function formatDecimal(value: CqlDecimal): string {
  const negative = value.unscaled < 0n;
  const coefficient = (negative ? -value.unscaled : value.unscaled).toString();
  const sign = negative ? '-' : '';
  const adjusted = -value.scale + (coefficient.length - 1);
  if (value.scale >= 0 && adjusted >= -6) {
    if (value.scale === 0) return sign + coefficient;
    if (coefficient.length > value.scale) {
      const point = coefficient.length - value.scale;
      return `${sign}${coefficient.slice(0, point)}.${coefficient.slice(point)}`;
    }
    return `${sign}0.${'0'.repeat(value.scale - coefficient.length)}${coefficient}`;
  }
  const mantissa = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : '-'}${Math.abs(adjusted)}`;
}

const DECIMAL_PATTERN = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;

/** Parses decimal text as Java's `new BigDecimal(String)`; undefined if malformed or the scale overflows int32. */
export function parseDecimal(text: string): CqlDecimal | undefined {
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, sign, integerPart = '', fractionPart = '', fractionOnly] = match;
  const fraction = fractionOnly ?? fractionPart;
  const exponent = match[5] === undefined ? 0 : Number(match[5]);
  const scale = fraction.length - exponent;
  if (!Number.isSafeInteger(exponent) || scale < INT32_MIN || scale > INT32_MAX) return undefined;
  const magnitude = BigInt(integerPart + fraction || '0');
  return { unscaled: sign === '-' ? -magnitude : magnitude, scale: scale === 0 ? 0 : scale };
}
