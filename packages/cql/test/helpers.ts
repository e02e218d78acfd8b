import { type CqlType, ErrorCodes, formatCqlType } from '@ringtail/codec';
import { expect } from 'vitest';
import { CqlSyntaxError, type ParseOptions, type Statement } from '../src/index.js';

function isCqlType(value: unknown): value is CqlType {
  return typeof value === 'object' && value !== null && 'kind' in value && !('position' in value);
}

/** The tree as compact JSON: positions dropped, types written as CQL text. */
export function dumpTree(tree: unknown, withPositions = false): string {
  return JSON.stringify(tree, (key, value: unknown) => {
    if (key === 'position') {
      if (!withPositions) return undefined;
      const p = value as { line: number; column: number };
      return `${p.line}:${p.column}`;
    }
    if (key === 'endOffset' && !withPositions) return undefined;
    if (key === 'type' && isCqlType(value)) return formatCqlType(value);
    return value;
  });
}

/** A deep copy without `position`, `endOffset`, `bindMarkerCount` and bind marker indexes, for comparing trees. */
export function stripTree(tree: unknown): unknown {
  return JSON.parse(
    JSON.stringify(tree, (key, value: unknown) =>
      key === 'position' || key === 'endOffset' || key === 'bindMarkerCount' || key === 'index' ? undefined : value,
    ),
  );
}

interface MarkerLike {
  kind: 'bindMarker';
  index: number;
  position: { offset: number };
}

/** Every bind marker in the tree, in source order. */
export function collectBindMarkers(tree: unknown): MarkerLike[] {
  const markers: MarkerLike[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (typeof value === 'object' && value !== null) {
      if ((value as { kind?: unknown }).kind === 'bindMarker') markers.push(value as MarkerLike);
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(tree);
  return markers.sort((a, b) => a.position.offset - b.position.offset);
}

/** Markers are numbered 0..n-1 in order of appearance, and the statement counts them. */
export function expectMarkersNumbered(statement: Statement): void {
  const markers = collectBindMarkers(statement);
  expect(markers.map((m) => m.index)).toEqual(markers.map((_, i) => i));
  expect(statement.bindMarkerCount).toBe(markers.length);
}

/**
 * Runs `parse`; anything thrown must be a well-formed CqlSyntaxError. Returns
 * the error, or null if it parsed. Plain checks, not `expect`: the hostile
 * input tests call this 200k times.
 */
export function syntaxErrorOf(parse: () => unknown): CqlSyntaxError | null {
  try {
    parse();
    return null;
  } catch (error) {
    if (!(error instanceof CqlSyntaxError)) throw error;
    const wellFormed =
      (error.code === ErrorCodes.INVALID_ARGUMENT || error.code === ErrorCodes.LIMIT_EXCEEDED) &&
      Number.isInteger(error.line) &&
      error.line >= 1 &&
      Number.isInteger(error.column) &&
      error.column >= 0 &&
      error.message.startsWith(`line ${error.line}:${error.column} `);
    if (!wellFormed) throw new Error(`malformed syntax error: ${error.code} ${error.message}`);
    return error;
  }
}

/** Options from datadriven arguments: `depth=`, `markers=`, `length=`, `script=`. */
export function optionsFromArgs(args: ReadonlyMap<string, string>): ParseOptions {
  const number = (name: string) => (args.has(name) ? Number(args.get(name)) : undefined);
  return {
    maxNestingDepth: number('depth'),
    maxBindMarkers: number('markers'),
    maxStatementLengthChars: number('length'),
    maxScriptLengthChars: number('script'),
  };
}
