/**
 * Constants typed by the column they are assigned to, as Cassandra's
 * `Constants.Literal`: an integer literal becomes an int, a bigint, a float
 * or a timestamp only once its receiver's type is known. Messages follow
 * Cassandra's (`Invalid STRING constant (abc) for "k" of type int`).
 */
import { Buffer } from 'node:buffer';
import {
  type CqlType,
  type CqlValue,
  formatCqlType,
  MAX_TIMESTAMP_MS,
  normalizeValue,
  parseDate,
  parseDecimal,
  parseTimestamp,
} from '@ringtail/codec';
import type { Literal } from '../ast.js';
import { invalidRequest, messageOf } from './errors.js';

const INTEGER_TEXT = /^[+-]?\d+$/;
const HEX_PREFIX = /^0[xX]/;
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Java's names for the integer types, as in Cassandra's "Unable to make int from '...'". */
const INTEGER_BITS: Readonly<Record<string, { bits: bigint; java: string }>> = {
  tinyint: { bits: 8n, java: 'byte' },
  smallint: { bits: 16n, java: 'short' },
  int: { bits: 32n, java: 'int' },
  bigint: { bits: 64n, java: 'long' },
  counter: { bits: 64n, java: 'long' },
};

/** Cassandra's name for a literal kind in messages. */
function constantKind(literal: Literal): string {
  return literal.kind.toUpperCase();
}

/** The literal as Cassandra prints it inside `Invalid X constant (...)`: strings without quotes. */
function shown(literal: Literal): string {
  return literal.text;
}

function notAssignable(literal: Literal, type: CqlType, what: string): Error {
  return invalidRequest(
    `Invalid ${constantKind(literal)} constant (${shown(literal)}) for ${what} of type ${formatCqlType(type)}`,
  );
}

function unableToMake(typeName: string, text: string): Error {
  return invalidRequest(`Unable to make ${typeName} from '${text}'`);
}

function integerValue(text: string, kind: string): CqlValue {
  const limits = INTEGER_BITS[kind];
  const value = BigInt(text);
  if (limits !== undefined) {
    const half = 1n << (limits.bits - 1n);
    if (value < -half || value >= half) throw unableToMake(limits.java, text);
    return limits.bits === 64n ? value : Number(value);
  }
  return value;
}

function timestampFromInteger(text: string): number {
  const ms = Number(text);
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > MAX_TIMESTAMP_MS) {
    throw invalidRequest(`Timestamp ${text} is outside the supported range (±${MAX_TIMESTAMP_MS} ms since the epoch)`);
  }
  return ms;
}

function fromInteger(literal: Literal, type: CqlType, what: string): CqlValue {
  const text = literal.text;
  switch (type.kind) {
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'counter':
    case 'varint':
      return integerValue(text, type.kind);
    case 'float':
    case 'double':
      return Number(text);
    case 'decimal':
      return parseDecimal(text) ?? unableToMakeThrow('decimal', text);
    case 'timestamp':
      return timestampFromInteger(text);
    default:
      throw notAssignable(literal, type, what);
  }
}

function unableToMakeThrow(typeName: string, text: string): never {
  throw unableToMake(typeName, text);
}

function floatNumber(text: string): number {
  if (text === 'NaN' || text === '-NaN') return Number.NaN;
  return Number(text);
}

function fromFloat(literal: Literal, type: CqlType, what: string): CqlValue {
  switch (type.kind) {
    case 'float':
    case 'double':
      return floatNumber(literal.text);
    case 'decimal':
      return parseDecimal(literal.text) ?? unableToMakeThrow('decimal', literal.text);
    default:
      throw notAssignable(literal, type, what);
  }
}

function fromString(literal: Literal, type: CqlType, what: string): CqlValue {
  const text = literal.text;
  switch (type.kind) {
    case 'ascii':
    case 'text':
      return text;
    case 'timestamp': {
      if (INTEGER_TEXT.test(text)) return timestampFromInteger(text);
      const ms = parseTimestamp(text);
      if (ms === undefined) throw invalidRequest(`Unable to coerce '${text}' to a formatted date (long)`);
      return ms;
    }
    case 'date': {
      const days = parseDate(text);
      if (days === undefined) throw invalidRequest(`Unable to coerce '${text}' to a formatted date (long)`);
      return days;
    }
    case 'inet':
      return text;
    case 'uuid':
    case 'timeuuid':
      if (!UUID_TEXT.test(text)) throw unableToMake('UUID', text);
      return text;
    case 'decimal':
      return parseDecimal(text) ?? unableToMakeThrow('decimal', text);
    case 'varint':
      if (!INTEGER_TEXT.test(text)) throw unableToMake('varint', text);
      return BigInt(text);
    default:
      throw notAssignable(literal, type, what);
  }
}

function fromHex(literal: Literal, type: CqlType, what: string): CqlValue {
  if (type.kind !== 'blob') throw notAssignable(literal, type, what);
  const text = literal.text;
  const invalid = () =>
    invalidRequest(`Invalid HEX constant (${text}) for ${what} of type blob: an odd number of hex digits`);
  if (text.length % 2 !== 0 || !HEX_PREFIX.test(text)) throw invalid();
  // Decoded straight into the value's own bytes. Hex decoding stops at the first pair that is
  // not hex digits, so a short count is the check on the digits (a regular expression over
  // them cost as much as the decoding: profiled, a 100-byte literal blob).
  const bytes = new Uint8Array((text.length - 2) / 2);
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(text.slice(2), 'hex') !== bytes.length) {
    throw invalid();
  }
  return bytes;
}

function fromUuid(literal: Literal, type: CqlType, what: string): CqlValue {
  if (type.kind !== 'uuid' && type.kind !== 'timeuuid') throw notAssignable(literal, type, what);
  if (type.kind === 'timeuuid' && literal.text[14] !== '1') {
    throw invalidRequest(`Invalid version for TimeUUID type: ${literal.text} is a version ${literal.text[14]} UUID`);
  }
  return literal.text;
}

/**
 * The value of a (non-null) literal as `type`, validated and normalised. Only
 * scalar types take constants; a collection needs a collection literal.
 */
export function literalValue(literal: Literal, type: CqlType, what: string): CqlValue {
  let value: CqlValue;
  switch (literal.kind) {
    case 'integer':
      value = fromInteger(literal, type, what);
      break;
    case 'float':
      value = fromFloat(literal, type, what);
      break;
    case 'string':
      value = fromString(literal, type, what);
      break;
    case 'hex':
      value = fromHex(literal, type, what);
      break;
    case 'uuid':
      value = fromUuid(literal, type, what);
      break;
    case 'boolean':
      if (type.kind !== 'boolean') throw notAssignable(literal, type, what);
      value = literal.text.toLowerCase() === 'true';
      break;
  }
  try {
    return normalizeValue(type, value) as CqlValue;
  } catch (error) {
    const message = messageOf(error);
    throw invalidRequest(
      `Invalid ${constantKind(literal)} constant (${shown(literal)}) for ${what} of type ${formatCqlType(type)}: ${message}`,
      error,
    );
  }
}
