/**
 * Result sets as text, the way cqlsh prints them: a table (header,
 * separator, one line per row; numbers right-aligned, the rest left) or,
 * with EXPAND ON, one `@ Row N` block per row. Cells are printed by
 * values.ts and made single-line (control characters escaped) so that a
 * value can never break the layout.
 */
import { type CqlTypeNode, isNumericType, parseCqlType } from './cql-types.js';
import { formatValue } from './values.js';

export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

export type ResultRow = Readonly<Record<string, unknown>>;

/** `(1 rows)`: cqlsh's wording, kept so that scripts matching it keep working. */
export function formatRowCount(count: number): string {
  return `(${count} rows)`;
}

/** A table: header, separator, rows; no trailing blanks on any line, no final newline. */
export function formatTable(columns: readonly ResultColumn[], rows: readonly ResultRow[]): string {
  const types = columns.map((column) => parseCqlType(column.type));
  const header = columns.map((column) => displayCell(column.name));
  const cells = rows.map((row) => columns.map((column, i) => cellText(types[i]!, row[column.name])));
  const widths = header.map((name, i) =>
    Math.max(displayWidth(name), ...cells.map((rowCells) => displayWidth(rowCells[i]!))),
  );
  const rightAligned = types.map(isNumericType);
  const line = (texts: readonly string[]): string =>
    texts
      .map((text, i) => ` ${pad(text, widths[i]!, rightAligned[i]!)} `)
      .join('|')
      .trimEnd();
  const separator = widths.map((width) => '-'.repeat(width + 2)).join('+');
  return [line(header), separator, ...cells.map(line)].join('\n');
}

/** EXPAND ON: each row as a block of `name | value` lines headed `@ Row N`, blocks separated by a blank line. */
export function formatExpanded(
  columns: readonly ResultColumn[],
  rows: readonly ResultRow[],
  firstRowNumber = 1,
): string {
  const types = columns.map((column) => parseCqlType(column.type));
  const names = columns.map((column) => displayCell(column.name));
  const nameWidth = Math.max(0, ...names.map(displayWidth));
  return rows
    .map((row, r) => {
      const values = columns.map((column, i) => cellText(types[i]!, row[column.name]));
      const valueWidth = Math.max(0, ...values.map(displayWidth));
      const lines = values.map((value, i) => ` ${pad(names[i]!, nameWidth, false)} | ${value}`.trimEnd());
      return [
        `@ Row ${firstRowNumber + r}`,
        `${'-'.repeat(nameWidth + 2)}+${'-'.repeat(valueWidth + 2)}`,
        ...lines,
      ].join('\n');
    })
    .join('\n\n');
}

function cellText(type: CqlTypeNode, value: unknown): string {
  return displayCell(formatValue(type, value));
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of printable text: newlines, tabs and other control characters as `\n`, `\t`, `\x1b`. */
export function displayCell(text: string): string {
  return text.replace(CONTROL, (c) => NAMED_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufeff]$/u;
const WIDE =
  /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u;

/** Terminal columns `text` takes: East Asian wide characters count 2, combining marks 0. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code < 0x300) width++;
    else if (ZERO_WIDTH.test(c)) continue;
    else width += WIDE.test(c) ? 2 : 1;
  }
  return width;
}
