/**
 * The native scalar functions a term may call (Cassandra's `system` keyspace
 * functions that make or convert time values). Each is evaluated once per
 * call site, with the statement's clock reading and random source.
 */
import type { CqlType, CqlValue, Random } from '@ringtail/codec';
import type { FunctionCall, Term } from '../ast.js';
import { invalidRequest } from './errors.js';
import { boundTimeuuid, millisOfTimeuuid, newRandomUuid, newTimeuuid } from './timeuuid.js';

const MS_PER_DAY = 86_400_000;

const TIMEUUID: CqlType = { kind: 'timeuuid' };
const UUID: CqlType = { kind: 'uuid' };
const TIMESTAMP: CqlType = { kind: 'timestamp' };
const DATE: CqlType = { kind: 'date' };
const BIGINT: CqlType = { kind: 'bigint' };

export interface FunctionEnvironment {
  readonly nowMicros: number;
  readonly random: Random;
}

interface Overload {
  readonly parameters: readonly CqlType[];
  readonly apply: (args: readonly CqlValue[], env: FunctionEnvironment) => CqlValue;
}

interface NativeFunction {
  readonly returnType: CqlType;
  readonly overloads: readonly Overload[];
}

function daysOfMillis(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** Milliseconds of a timeuuid, timestamp or date argument. */
function millisOf(type: CqlType, value: CqlValue): number {
  if (type.kind === 'timeuuid') return millisOfTimeuuid(value as string);
  if (type.kind === 'date') return (value as number) * MS_PER_DAY;
  return value as number;
}

function converter(returnType: CqlType, from: readonly CqlType[], convert: (ms: number) => CqlValue): NativeFunction {
  return {
    returnType,
    overloads: from.map((type) => ({ parameters: [type], apply: (args) => convert(millisOf(type, args[0]!)) })),
  };
}

function nullary(returnType: CqlType, apply: (env: FunctionEnvironment) => CqlValue): NativeFunction {
  return { returnType, overloads: [{ parameters: [], apply: (_args, env) => apply(env) }] };
}

const nowMillis = (env: FunctionEnvironment): number => Math.floor(env.nowMicros / 1000);

const FUNCTIONS: ReadonlyMap<string, NativeFunction> = new Map<string, NativeFunction>([
  ['now', nullary(TIMEUUID, (env) => newTimeuuid(env.nowMicros, env.random))],
  ['currenttimeuuid', nullary(TIMEUUID, (env) => newTimeuuid(env.nowMicros, env.random))],
  ['uuid', nullary(UUID, (env) => newRandomUuid(env.random))],
  ['currenttimestamp', nullary(TIMESTAMP, nowMillis)],
  ['currentdate', nullary(DATE, (env) => daysOfMillis(nowMillis(env)))],
  ['totimestamp', converter(TIMESTAMP, [TIMEUUID, DATE], (ms) => ms)],
  ['dateof', converter(TIMESTAMP, [TIMEUUID], (ms) => ms)],
  ['todate', converter(DATE, [TIMEUUID, TIMESTAMP], daysOfMillis)],
  ['tounixtimestamp', converter(BIGINT, [TIMEUUID, TIMESTAMP, DATE], (ms) => BigInt(ms))],
  ['unixtimestampof', converter(BIGINT, [TIMEUUID], (ms) => BigInt(ms))],
  ['mintimeuuid', converter(TIMEUUID, [TIMESTAMP], (ms) => boundTimeuuid(ms, 'min'))],
  ['maxtimeuuid', converter(TIMEUUID, [TIMESTAMP], (ms) => boundTimeuuid(ms, 'max'))],
]);

/** Names of the functions a term may call, for docs/cql.md and tests. */
export const TERM_FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys()];

function lookup(call: FunctionCall): NativeFunction {
  const fn = call.keyspace === null || call.keyspace === 'system' ? FUNCTIONS.get(call.name) : undefined;
  if (fn === undefined) {
    const name = call.keyspace === null ? call.name : `${call.keyspace}.${call.name}`;
    throw invalidRequest(`Unknown function ${name}`);
  }
  return fn;
}

/** The type `call` returns, without evaluating it (for type checks of arguments and receivers). */
export function functionReturnType(call: FunctionCall): CqlType {
  return lookup(call).returnType;
}

/**
 * Evaluates `call`. `argument(term, type)` types one argument; with several
 * overloads (`toTimestamp(timeuuid)` and `toTimestamp(date)`) the first under
 * which every argument types wins.
 */
export function evaluateFunction(
  call: FunctionCall,
  env: FunctionEnvironment,
  argument: (term: Term, type: CqlType, index: number) => CqlValue | null,
): { readonly type: CqlType; readonly value: CqlValue } {
  const fn = lookup(call);
  const arity = fn.overloads[0]!.parameters.length;
  if (call.args.length !== arity) {
    throw invalidRequest(
      `Invalid number of arguments in call to function system.${call.name}: ${arity} required but ${call.args.length} provided`,
    );
  }
  let firstError: unknown;
  for (const overload of fn.overloads) {
    try {
      const args: CqlValue[] = [];
      for (let i = 0; i < overload.parameters.length; i++) {
        const value = argument(call.args[i]!, overload.parameters[i]!, i);
        if (value === null) {
          throw invalidRequest(`Invalid null argument ${i} in call to function system.${call.name}`);
        }
        args.push(value);
      }
      return { type: fn.returnType, value: overload.apply(args, env) };
    } catch (error) {
      firstError ??= error;
    }
  }
  throw firstError;
}

/** Whether a value of type `from` may be stored where `to` is expected (a timeuuid is a uuid). */
export function isAssignable(from: CqlType, to: CqlType): boolean {
  if (from.kind === to.kind && from.kind !== 'list' && from.kind !== 'set' && from.kind !== 'map') return true;
  if (from.kind === 'timeuuid' && to.kind === 'uuid') return true;
  if (from.kind === 'ascii' && to.kind === 'text') return true;
  if (from.kind === 'list' && to.kind === 'list') return isAssignable(from.element, to.element);
  if (from.kind === 'set' && to.kind === 'set') return isAssignable(from.element, to.element);
  if (from.kind === 'map' && to.kind === 'map')
    return isAssignable(from.key, to.key) && isAssignable(from.value, to.value);
  return false;
}
