import fc from 'fast-check';
import type { ApplicationStateUpdate, EndpointStateDelta, GossipDigest } from '../src/index.js';
import { SHUTDOWN_HEARTBEAT_VERSION } from '../src/index.js';

const MAX_TOKEN = (1n << 64n) - 1n;

export const addressArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 65535 }))
    .map(([a, b, port]) => `10.${a}.${b}.1:${port}`),
  fc.constantFrom('node-a.example.com:7000', '[::1]:7000', 'localhost:1'),
);

const versionArb = fc.integer({ min: 1, max: 2 ** 40 });

/** A valid value for each well-known key, or a free-form one. */
const entryArb: fc.Arbitrary<{ key: string; value: string }> = fc.oneof(
  fc.constantFrom('BOOT', 'NORMAL', 'LEAVING').map((value) => ({ key: 'STATUS', value })),
  fc
    .tuple(fc.constantFrom('LEFT', 'REMOVED'), fc.nat({ max: 2 ** 45 }))
    .map(([name, at]) => ({ key: 'STATUS', value: `${name},${at}` })),
  fc
    .uniqueArray(fc.bigInt({ min: 0n, max: MAX_TOKEN }), { minLength: 1, maxLength: 20 })
    .map((tokens) => ({ key: 'TOKENS', value: tokens.sort((a, b) => (a < b ? -1 : 1)).join(',') })),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter(noControl)
    .map((value) => ({ key: 'DC', value })),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter(noControl)
    .map((value) => ({ key: 'RACK', value })),
  addressArb.map((value) => ({ key: 'HTTP_ADDRESS', value })),
  fc.nat().map((n) => ({ key: 'LOAD', value: String(n) })),
  fc.uuid().map((value) => ({ key: 'SCHEMA', value })),
  fc
    .tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 30 }))
    .filter(([key]) => !['STATUS', 'TOKENS', 'DC', 'RACK', 'HTTP_ADDRESS', 'LOAD', 'SCHEMA'].includes(key))
    .map(([key, value]) => ({ key, value })),
);

function noControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

export const stateArb: fc.Arbitrary<EndpointStateDelta> = fc
  .record({
    address: addressArb,
    generation: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    heartbeatVersion: fc.oneof(fc.nat({ max: 2 ** 40 }), fc.constant(SHUTDOWN_HEARTBEAT_VERSION)),
    fromVersion: fc.nat({ max: 1000 }),
    entries: fc.uniqueArray(fc.tuple(entryArb, versionArb), { maxLength: 10, selector: ([e]) => e.key }),
  })
  .map(({ address, generation, heartbeatVersion, fromVersion, entries }) => ({
    address,
    generation,
    heartbeatVersion,
    fromVersion,
    states: entries.map(([e, v]): ApplicationStateUpdate => ({ ...e, version: fromVersion + v })),
  }));

export const digestArb: fc.Arbitrary<GossipDigest> = fc.record({
  address: addressArb,
  generation: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  maxVersion: fc.oneof(fc.nat({ max: 2 ** 40 }), fc.constant(SHUTDOWN_HEARTBEAT_VERSION)),
});

export const uniqueDigestsArb = fc.uniqueArray(digestArb, { maxLength: 30, selector: (d) => d.address });
export const uniqueStatesArb = fc.uniqueArray(stateArb, { maxLength: 8, selector: (s) => s.address });
export const clusterNameArb = fc.string({ minLength: 1, maxLength: 40 });
