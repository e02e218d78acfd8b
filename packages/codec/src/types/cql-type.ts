/**
 * CQL type descriptors: what a column holds. Parsed from and formatted to the
 * text a user types in `CREATE TABLE` (docs/types.md describes every type).
 */
import { invalid } from './invalid.js';

export const CQL_SCALAR_KINDS = [
  'ascii',
  'text',
  'int',
  'bigint',
  'smallint',
  'tinyint',
  'varint',
  'float',
  'double',
  'decimal',
  'boolean',
  'timestamp',
  'date',
  'uuid',
  'timeuuid',
  'blob',
  'inet',
  'counter',
] as const;

export type CqlScalarKind = (typeof CQL_SCALAR_KINDS)[number];

export interface CqlScalarType {
  readonly kind: CqlScalarKind;
}
export interface CqlListType {
  readonly kind: 'list';
  readonly element: CqlType;
  readonly frozen: boolean;
}
export interface CqlSetType {
  readonly kind: 'set';
  readonly element: CqlType;
  readonly frozen: boolean;
}
export interface CqlMapType {
  readonly kind: 'map';
  readonly key: CqlType;
  readonly value: CqlType;
  readonly frozen: boolean;
}
export type CqlCollectionType = CqlListType | CqlSetType | CqlMapType;
export type CqlType = CqlScalarType | CqlCollectionType;

/** Bounds on type text, so that a hostile schema cannot exhaust the stack. */
export const MAX_TYPE_TEXT_LENGTH = 1024;
export const MAX_TYPE_NESTING_DEPTH = 16;

const SCALAR_BY_NAME: ReadonlyMap<string, CqlScalarKind> = new Map<string, CqlScalarKind>([
  ...CQL_SCALAR_KINDS.map((kind) => [kind, kind] as const),
  ['varchar', 'text'],
]);

export function isCollection(type: CqlType): type is CqlCollectionType {
  return type.kind === 'list' || type.kind === 'set' || type.kind === 'map';
}

/** A non-frozen collection: stored as one cell per element, not as one value. */
export function isMultiCell(type: CqlType): boolean {
  return isCollection(type) && !type.frozen;
}

/** Canonical lowercase text; `parseCqlType(formatCqlType(t))` equals `t`. */
export function formatCqlType(type: CqlType): string {
  let body: string;
  switch (type.kind) {
    case 'list':
    case 'set':
      body = `${type.kind}<${formatCqlType(type.element)}>`;
      break;
    case 'map':
      body = `map<${formatCqlType(type.key)}, ${formatCqlType(type.value)}>`;
      break;
    default:
      return type.kind;
  }
  return type.frozen ? `frozen<${body}>` : body;
}

interface Token {
  readonly text: string;
  readonly position: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '<' || c === '>' || c === ',') {
      tokens.push({ text: c, position: i });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
      tokens.push({ text: source.slice(start, i).toLowerCase(), position: start });
    } else {
      throw invalid(`unexpected character ${JSON.stringify(c)} at position ${i} in type ${JSON.stringify(source)}`);
    }
  }
  return tokens;
}

class TypeParser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseAll(): CqlType {
    const type = this.parseType(1);
    const extra = this.tokens[this.index];
    if (extra !== undefined) throw this.unexpected(extra);
    return type;
  }

  private parseType(depth: number): CqlType {
    if (depth > MAX_TYPE_NESTING_DEPTH) {
      throw invalid(`type ${JSON.stringify(this.source)} is nested deeper than ${MAX_TYPE_NESTING_DEPTH} levels`);
    }
    const name = this.next();
    if (!/^[a-z_]/.test(name.text)) throw this.unexpected(name);
    switch (name.text) {
      case 'frozen': {
        this.expect('<');
        const inner = this.parseType(depth + 1);
        this.expect('>');
        if (!isCollection(inner)) {
          throw invalid(`frozen<> is only allowed on collections, not ${formatCqlType(inner)}`);
        }
        return { ...inner, frozen: true };
      }
      case 'list':
      case 'set': {
        this.expectArguments(name.text, 1);
        const element = this.parseType(depth + 1);
        this.expect('>');
        return { kind: name.text, element, frozen: false };
      }
      case 'map': {
        this.expectArguments('map', 2);
        const key = this.parseType(depth + 1);
        this.expect(',');
        const value = this.parseType(depth + 1);
        this.expect('>');
        return { kind: 'map', key, value, frozen: false };
      }
      default: {
        const kind = SCALAR_BY_NAME.get(name.text);
        if (kind === undefined) throw invalid(`unknown type ${name.text} in ${JSON.stringify(this.source)}`);
        if (this.peek()?.text === '<') throw invalid(`type ${name.text} does not take type arguments`);
        return { kind };
      }
    }
  }

  /** Consumes `<` and checks the argument count up front, for a clearer message than "unexpected >". */
  private expectArguments(name: string, count: number): void {
    this.expect('<');
    let depth = 0;
    let commas = 0;
    for (let i = this.index; i < this.tokens.length; i++) {
      const text = this.tokens[i]!.text;
      if (text === '<') depth++;
      else if (text === ',' && depth === 0) commas++;
      else if (text === '>') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (commas + 1 !== count) {
      throw invalid(`type ${name} expects ${count} type argument${count === 1 ? '' : 's'}, got ${commas + 1}`);
    }
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token === undefined) throw invalid(`unexpected end of type ${JSON.stringify(this.source)}`);
    this.index++;
    return token;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text) throw this.unexpected(token);
  }

  private unexpected(token: Token): Error {
    return invalid(
      `unexpected ${JSON.stringify(token.text)} at position ${token.position} in type ${JSON.stringify(this.source)}`,
    );
  }
}

/**
 * Applies Cassandra's nesting rules: `frozen<>` freezes every collection inside
 * it; a non-frozen collection, or a counter, inside a collection is rejected.
 */
function checkNesting(type: CqlType, insideFrozen: boolean, outer: CqlCollectionType | undefined): CqlType {
  if (!isCollection(type)) {
    if (type.kind === 'counter' && outer !== undefined) {
      throw invalid(`counters are not allowed inside collections: ${formatCqlType(outer)}`);
    }
    return type;
  }
  const frozen = type.frozen || insideFrozen;
  if (!frozen && outer !== undefined) {
    throw invalid(`non-frozen collections are not allowed inside collections: ${formatCqlType(outer)}`);
  }
  if (type.kind === 'map') {
    return {
      kind: 'map',
      key: checkNesting(type.key, frozen, type),
      value: checkNesting(type.value, frozen, type),
      frozen,
    };
  }
  return { kind: type.kind, element: checkNesting(type.element, frozen, type), frozen };
}

/** Parses CQL type text: case-insensitive, whitespace tolerant, `varchar` is `text`. */
export function parseCqlType(text: string): CqlType {
  if (text.length > MAX_TYPE_TEXT_LENGTH) {
    throw invalid(`type text is longer than ${MAX_TYPE_TEXT_LENGTH} characters`);
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalid('empty type');
  return checkNesting(new TypeParser(text, tokens).parseAll(), false, undefined);
}
