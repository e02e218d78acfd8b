import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CorruptionError, ErrorCodes, isRingtailError, RingtailError } from '../src/errors.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it('are each documented in docs/errors.md, and the page names no other', () => {
    const documented = [...docs.matchAll(/^\| `(RT_[A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.values(ErrorCodes).sort());
  });

  it('carry their code, cause and, for corruption, the file and offset', () => {
    const cause = new Error('EIO');
    const io = new RingtailError(ErrorCodes.IO, 'write failed', { cause });
    expect(io.code).toBe('RT_IO');
    expect(io.cause).toBe(cause);
    expect(io.name).toBe('RingtailError');
    const corruption = new CorruptionError('/data/x.log', 42, 'checksum mismatch');
    expect(corruption).toBeInstanceOf(RingtailError);
    expect(corruption.name).toBe('CorruptionError');
    expect(corruption.message).toContain('/data/x.log at byte 42');
    expect(isRingtailError(corruption, ErrorCodes.CORRUPTION)).toBe(true);
    expect(isRingtailError(corruption, ErrorCodes.IO)).toBe(false);
    expect(isRingtailError(new Error('x'))).toBe(false);
  });
});
