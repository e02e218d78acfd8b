/**
 * Column types as the HTTP API names them (`int`, `map<text, frozen<list<int>>>`),
 * read into a small tree so that values can be printed by type. A type the
 * shell does not know is kept by name and its values are printed as JSON.
 */

export interface CqlTypeNode {
  /** Lower-case name: `int`, `list`, `map`, `frozen`, ... */
  readonly name: string;
  readonly args: readonly CqlTypeNode[];
}

const MAX_TYPE_DEPTH = 32;
const UNKNOWN: CqlTypeNode = { name: '', args: [] };

/** Reads a type name; never throws (a malformed name reads as an unknown type). */
export function parseCqlType(text: string): CqlTypeNode {
  let at = 0;
  const skipBlanks = (): void => {
    while (at < text.length && text[at] === ' ') at++;
  };
  const read = (depth: number): CqlTypeNode | undefined => {
    if (depth > MAX_TYPE_DEPTH) return undefined;
    skipBlanks();
    const start = at;
    while (at < text.length && /[A-Za-z0-9_.]/.test(text[at]!)) at++;
    if (at === start) return undefined;
    const name = text.slice(start, at).toLowerCase();
    skipBlanks();
    if (text[at] !== '<') return { name, args: [] };
    at++;
    const args: CqlTypeNode[] = [];
    for (;;) {
      const arg = read(depth + 1);
      if (arg === undefined) return undefined;
      args.push(arg);
      skipBlanks();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '>') {
        at++;
        return { name, args };
      }
      return undefined;
    }
  };
  const type = read(0);
  skipBlanks();
  return type !== undefined && at === text.length ? type : { ...UNKNOWN, name: text.toLowerCase() };
}

/** `frozen<T>` is T for printing. */
export function unfrozen(type: CqlTypeNode): CqlTypeNode {
  let current = type;
  while (current.name === 'frozen' && current.args.length === 1) current = current.args[0]!;
  return current;
}

const NUMERIC = new Set(['int', 'bigint', 'smallint', 'tinyint', 'varint', 'float', 'double', 'decimal', 'counter']);

/** Numbers are right-aligned in tables, as in most SQL shells. */
export function isNumericType(type: CqlTypeNode): boolean {
  return NUMERIC.has(unfrozen(type).name);
}
