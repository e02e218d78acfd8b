import { ErrorCodes, isRingtailError } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import { MAX_REPLICATION_FACTOR, replicationStrategy } from '../src/index.js';

describe('replicationStrategy', () => {
  it('parses SimpleStrategy, short or qualified, with numbers or strings', () => {
    for (const options of [
      { class: 'SimpleStrategy', replication_factor: 3 },
      { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '3' },
    ]) {
      const strategy = replicationStrategy(options);
      expect(strategy).toMatchObject({ class: 'SimpleStrategy', replicationFactor: 3 });
      expect(strategy.key).toBe('SimpleStrategy{replication_factor=3}');
      expect(Object.isFrozen(strategy)).toBe(true);
    }
  });

  it('parses NetworkTopologyStrategy with datacenters in canonical order', () => {
    const a = replicationStrategy({ class: 'NetworkTopologyStrategy', east: 3, west: '2' });
    const b = replicationStrategy({ class: 'NetworkTopologyStrategy', west: 2, east: 3 });
    expect(a.key).toBe('NetworkTopologyStrategy{east=3,west=2}');
    expect(b.key).toBe(a.key);
    if (a.class !== 'NetworkTopologyStrategy') throw new Error('wrong class');
    expect([...a.datacenters]).toEqual([
      ['east', 3],
      ['west', 2],
    ]);
  });

  it.each([
    [{}, "need a 'class'"],
    [{ class: 'LocalStrategy' }, 'unknown replication class'],
    [{ class: 'SimpleStrategy' }, "requires 'replication_factor'"],
    [{ class: 'SimpleStrategy', replication_factor: 3, dc1: 2 }, "unknown SimpleStrategy option 'dc1'"],
    [{ class: 'SimpleStrategy', replication_factor: -1 }, 'must be an integer'],
    [{ class: 'SimpleStrategy', replication_factor: 1.5 }, 'must be an integer'],
    [{ class: 'SimpleStrategy', replication_factor: 'three' }, 'must be an integer'],
    [{ class: 'SimpleStrategy', replication_factor: MAX_REPLICATION_FACTOR + 1 }, 'must be an integer'],
    [{ class: 'NetworkTopologyStrategy', replication_factor: 3 }, 'a factor per datacenter'],
    [{ class: 'NetworkTopologyStrategy', dc1: null }, 'must be an integer'],
  ])('rejects %j', (options, message) => {
    let caught: unknown;
    try {
      replicationStrategy(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isRingtailError(caught, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });
});
