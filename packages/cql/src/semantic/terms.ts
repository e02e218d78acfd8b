/**
 * Typing of terms: the value a constant, collection literal, bind marker,
 * function call or type hint stands for, given the type of what receives it.
 * Shared by the modification planner (semantic/) and the SELECT planner
 * (select/).
 */
import {
  type CqlType,
  type CqlValue,
  formatCqlType,
  type JsonValue,
  normalizeValue,
  type Random,
  valueFromJson,
} from '@ringtail/codec';
import type { BindMarker, Term } from '../ast.js';
import { invalidRequest, messageOf } from './errors.js';
import { evaluateFunction, functionReturnType, isAssignable } from './functions.js';
import { literalValue } from './literals.js';

/** Values for bind markers: positional (an array) or by marker name (an object), as JSON (DESIGN.md §3.2). */
export type BindValues = readonly JsonValue[] | Readonly<Record<string, JsonValue>>;

export interface TermContext {
  readonly binds: BindValues;
  /** The statement's clock reading, for `now()`, `currentTimestamp()`, ... */
  readonly nowMicros: number;
  readonly random: Random;
  /** What receives the value, as it follows "for " in messages: `"v"` (Cassandra quotes the column name). */
  readonly what: string;
}

/**
 * The value of `term` as `type` (null for null), validated and normalised;
 * a {@link CqlInvalidRequestError} (code RT_INVALID_ARGUMENT) with a
 * Cassandra-like message otherwise.
 */
export function termValue(term: Term, type: CqlType, context: TermContext): CqlValue | null {
  switch (term.kind) {
    case 'null':
      return null;
    case 'bindMarker':
      return bindValue(term, type, context);
    case 'list':
      if (type.kind !== 'list') throw collectionMismatch('list', type, context.what);
      return normalized(
        type,
        term.elements.map((e) => elementValue(e, type.element, context, 'element')),
        context,
      );
    case 'set':
      if (type.kind !== 'set') throw collectionMismatch('set', type, context.what);
      return normalized(
        type,
        term.elements.map((e) => elementValue(e, type.element, context, 'element')),
        context,
      );
    case 'map':
      if (term.entries.length === 0 && (type.kind === 'set' || type.kind === 'list')) return [];
      if (type.kind !== 'map') throw collectionMismatch('map', type, context.what);
      return normalized(
        type,
        term.entries.map(
          (entry) =>
            [
              elementValue(entry.key, type.key, context, 'key'),
              elementValue(entry.value, type.value, context, 'value'),
            ] as const,
        ),
        context,
      );
    case 'tuple':
      throw collectionMismatch('tuple', type, context.what);
    case 'function':
      return functionValue(term, type, context);
    case 'typeHint':
      if (!isAssignable(term.type, type)) {
        throw invalidRequest(
          `Type error: (${formatCqlType(term.type)}) cannot be assigned to ${context.what} of type ${formatCqlType(type)}`,
        );
      }
      return normalized(type, termValue(term.term, term.type, context), context);
    default:
      return literalValue(term, type, context.what);
  }
}

/** The number of values a statement with `bindMarkerCount` markers needs; throws unless `binds` has them. */
export function checkBindValues(bindMarkerCount: number, binds: BindValues): void {
  if (Array.isArray(binds)) {
    if (binds.length !== bindMarkerCount) {
      throw invalidRequest(`Expected ${bindMarkerCount} bind values, got ${binds.length}`);
    }
    return;
  }
  if (typeof binds !== 'object' || binds === null) {
    throw invalidRequest('Bind values must be a JSON array (positional) or object (named)');
  }
}

/** The JSON bound to `marker`, or throws if there is none. */
export function boundJson(marker: BindMarker, binds: BindValues): JsonValue {
  if (Array.isArray(binds)) {
    const values = binds as readonly JsonValue[];
    if (marker.index >= values.length) {
      throw invalidRequest(`Expected at least ${marker.index + 1} bind values, got ${values.length}`);
    }
    return values[marker.index]!;
  }
  const named = binds as Readonly<Record<string, JsonValue>>;
  if (marker.name === null) {
    throw invalidRequest(
      `Bind marker ? (number ${marker.index}) needs positional bind values (a JSON array), got named values`,
    );
  }
  if (Object.hasOwn(named, marker.name)) return named[marker.name]!;
  throw invalidRequest(`No value for bind marker :${marker.name}`);
}

function bindValue(marker: BindMarker, type: CqlType, context: TermContext): CqlValue | null {
  const json = boundJson(marker, context.binds);
  if (json === undefined) throw invalidRequest(`No value for bind marker ${describeMarker(marker)}`);
  try {
    return valueFromJson(type, json);
  } catch (error) {
    throw invalidRequest(
      `Invalid value for bind marker ${describeMarker(marker)} (${context.what} of type ${formatCqlType(type)}): ${messageOf(error)}`,
      error,
    );
  }
}

function describeMarker(marker: BindMarker): string {
  return marker.name === null ? `? (number ${marker.index})` : `:${marker.name}`;
}

function elementValue(term: Term, type: CqlType, context: TermContext, role: string): CqlValue {
  const what = `${role} of ${context.what}`;
  const value = termValue(term, type, { ...context, what });
  if (value === null) throw invalidRequest(`null is not supported inside collections (${what})`);
  return value;
}

function normalized(type: CqlType, value: unknown, context: TermContext): CqlValue | null {
  try {
    return normalizeValue(type, value);
  } catch (error) {
    throw invalidRequest(
      `Invalid value for ${context.what} of type ${formatCqlType(type)}: ${messageOf(error)}`,
      error,
    );
  }
}

function collectionMismatch(literal: string, type: CqlType, what: string): Error {
  return invalidRequest(`Invalid ${literal} literal for ${what} of type ${formatCqlType(type)}`);
}

function functionValue(term: Extract<Term, { kind: 'function' }>, type: CqlType, context: TermContext): CqlValue {
  const returnType = functionReturnType(term);
  const name = `system.${term.name}`;
  if (!isAssignable(returnType, type)) {
    throw invalidRequest(
      `Type error: cannot assign result of function ${name} (type ${formatCqlType(returnType)}) to ${context.what} (type ${formatCqlType(type)})`,
    );
  }
  const result = evaluateFunction(term, context, (arg, parameterType, index) =>
    termValue(arg, parameterType, { ...context, what: `argument ${index} of ${name}` }),
  );
  return normalized(type, result.value, context) as CqlValue;
}
