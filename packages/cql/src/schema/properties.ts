/** Reading `WITH name = value` properties of DDL statements: constants and map literals of constants. */
import type { Literal, Property } from '../ast.js';
import { invalidRequest } from '../semantic/errors.js';

/** The text of a constant, as Cassandra's property values are strings underneath. */
function constantText(term: { readonly kind: string }, what: string): string {
  switch (term.kind) {
    case 'string':
    case 'integer':
    case 'float':
    case 'boolean':
    case 'uuid':
    case 'hex':
      return (term as Literal).text;
    default:
      throw invalidRequest(`Invalid value for ${what}: expected a constant`);
  }
}

/** A map property (`replication = {...}`) as an ordered map of strings; a duplicate key is an error. */
export function mapProperty(property: Property): Map<string, string> {
  if (property.value.kind !== 'map') {
    throw invalidRequest(`Invalid value for property '${property.name}': expected a map`);
  }
  const out = new Map<string, string>();
  for (const entry of property.value.entries) {
    const key = constantText(entry.key, `a key of property '${property.name}'`);
    if (out.has(key)) throw invalidRequest(`Duplicate key '${key}' in property '${property.name}'`);
    out.set(key, constantText(entry.value, `'${key}' of property '${property.name}'`));
  }
  return out;
}

/** A constant property as text. */
export function textProperty(property: Property): string {
  if (property.value.kind === 'map') {
    throw invalidRequest(`Invalid value for property '${property.name}': expected a constant, got a map`);
  }
  return constantText(property.value, `property '${property.name}'`);
}

const INTEGER_TEXT = /^[+-]?\d+$/;

/** An integer in [min, max] given as an integer constant or a string of digits. */
export function integerOption(name: string, text: string, min: number, max: number): number {
  const value = INTEGER_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw invalidRequest(`Invalid value for '${name}': '${text}' is not an integer`);
  if (value < min) throw invalidRequest(`${name} must be greater than or equal to ${min} (got ${value})`);
  if (value > max) throw invalidRequest(`${name} must be less than or equal to ${max} (got ${value})`);
  return value;
}

export function booleanOption(name: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidRequest(`Invalid value for '${name}': '${text}' is not a boolean`);
}
