import { describe, expect, it } from 'vitest';
import { ErrorCodes, RingtailError } from '../../src/errors.js';
import { formatPeerAddress, isPeerAddress, parsePeerAddress } from '../../src/net/address.js';
import {
  type Envelope,
  envelopeFromWire,
  envelopeToWire,
  errorBodyFromWire,
  errorEnvelope,
} from '../../src/net/envelope.js';
import { assertWireValue } from '../../src/net/wire-value.js';

describe('peer addresses', () => {
  it('are host:port with a port from 1 to 65535, IPv6 hosts in brackets', () => {
    expect(parsePeerAddress('127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expect(parsePeerAddress('node-1.dc1.example:9')).toEqual({ host: 'node-1.dc1.example', port: 9 });
    expect(parsePeerAddress('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    expect(formatPeerAddress('::1', 7000)).toBe('[::1]:7000');
    expect(formatPeerAddress('10.0.0.1', 7000)).toBe('10.0.0.1:7000');
    for (const bad of ['', 'host', ':7000', 'host:0', 'host:65536', 'host:-1', '::1:7000', 'a b:1', 'h:1 ', 'h:7e3']) {
      expect(isPeerAddress(bad), bad).toBe(false);
    }
    expect(() => parsePeerAddress('x'.repeat(300))).toThrow(RingtailError);
  });
});

describe('envelopes', () => {
  const request: Envelope = { type: 'request', requestId: 7, kind: 'gossip.syn', version: 2, body: { a: [1n] } };

  it('travel as [type, requestId, kind, version, body]', () => {
    expect(envelopeToWire(request)).toEqual([2, 7, 'gossip.syn', 2, { a: [1n] }]);
    expect(envelopeFromWire(envelopeToWire(request))).toEqual(request);
    const error = errorEnvelope(7, 'gossip.syn', ErrorCodes.REMOTE, 'm'.repeat(5000));
    const body = errorBodyFromWire(envelopeFromWire(envelopeToWire(error)).body, error.version);
    expect(body.code).toBe(ErrorCodes.REMOTE);
    expect(body.message).toHaveLength(1024);
  });

  it('are refused with RT_BAD_MESSAGE when malformed', () => {
    const malformed: unknown[] = [
      null,
      'x',
      [1, 0, 'k', 1],
      [1, 0, 'k', 1, null, 'extra'],
      [0, 0, 'k', 1, null],
      [5, 1, 'k', 1, null],
      [1, 3, 'k', 1, null],
      [2, 0, 'k', 1, null],
      [2, -1, 'k', 1, null],
      [2, 2 ** 32, 'k', 1, null],
      [2, 1.5, 'k', 1, null],
      [1, 0, '', 1, null],
      [1, 0, 'k'.repeat(65), 1, null],
      [1, 0, 7, 1, null],
      [1, 0, 'k', 65_536, null],
      [1, 0, 'k', '1', null],
    ];
    for (const value of malformed) {
      expect(() => envelopeFromWire(value), JSON.stringify(value)).toThrow(
        expect.objectContaining({ code: ErrorCodes.BAD_MESSAGE }),
      );
    }
    for (const body of [
      null,
      { code: 'RT_IO', message: 'x' },
      { code: 'RT_REMOTE' },
      { code: 'RT_REMOTE', message: 1 },
    ]) {
      expect(() => errorBodyFromWire(body, 1)).toThrow(RingtailError);
    }
    expect(() => errorBodyFromWire({ code: 'RT_REMOTE', message: 'x' }, 2)).toThrow(/version 2/);
  });
});

describe('wire values', () => {
  it('are what msgpack carries unchanged', () => {
    expect(() =>
      assertWireValue({ s: 'x', n: 1.5, b: true, z: null, big: 1n, bytes: new Uint8Array(2), list: [[{}]] }, 'k'),
    ).not.toThrow();
    expect(() => assertWireValue(Object.create(null), 'k')).not.toThrow();
    const bad: [unknown, RegExp][] = [
      [undefined, /body is undefined/],
      [{ a: [1, Number.NaN] }, /body.a\[1\] is NaN/],
      [{ f: () => 1 }, /body.f is function/],
      [new Date(0), /a Date, not a plain object/],
      [new Set([1]), /a Set/],
      [Symbol('s'), /symbol/],
    ];
    for (const [value, message] of bad) expect(() => assertWireValue(value, 'k')).toThrow(message);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => assertWireValue(deep, 'k')).toThrow(/nested deeper than 64/);
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(() => assertWireValue(cycle, 'k')).toThrow(/nested deeper/);
  });
});
