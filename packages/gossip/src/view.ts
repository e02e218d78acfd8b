/**
 * What the rest of the node sees of an endpoint: an immutable snapshot of its
 * gossip state and liveness, with typed readers for the well-known keys.
 */
import type { PeerAddress } from '@ringtail/codec';
import {
  ApplicationStateKeys,
  type NodeStatus,
  parseLoad,
  parseStatus,
  parseTokens,
  type VersionedValue,
} from './app-state.js';
import { SHUTDOWN_HEARTBEAT_VERSION } from './constants.js';

export class EndpointView {
  constructor(
    readonly address: PeerAddress,
    /** Seconds since the epoch when this incarnation of the node started. */
    readonly generation: number,
    readonly heartbeatVersion: number,
    /** UP (true) or DOWN (false) as this gossiper judges it; a node is always UP to itself while running. */
    readonly alive: boolean,
    /** Every application state, with its version. */
    readonly states: ReadonlyMap<string, VersionedValue>,
  ) {}

  /** This generation stopped gracefully (it announced its shutdown). */
  get shutdown(): boolean {
    return this.heartbeatVersion === SHUTDOWN_HEARTBEAT_VERSION;
  }

  /** Whether the endpoint belongs to the cluster: false once it LEFT or was REMOVED. */
  get member(): boolean {
    const name = this.status?.name;
    return name !== 'LEFT' && name !== 'REMOVED';
  }

  /** The value of `key`, or undefined. */
  value(key: string): string | undefined {
    return this.states.get(key)?.value;
  }

  get status(): NodeStatus | undefined {
    const value = this.value(ApplicationStateKeys.STATUS);
    return value === undefined ? undefined : parseStatus(value);
  }

  /** Ascending; empty when the endpoint announced none. */
  get tokens(): bigint[] {
    const value = this.value(ApplicationStateKeys.TOKENS);
    return value === undefined ? [] : parseTokens(value);
  }

  get datacenter(): string | undefined {
    return this.value(ApplicationStateKeys.DC);
  }

  get rack(): string | undefined {
    return this.value(ApplicationStateKeys.RACK);
  }

  get httpAddress(): string | undefined {
    return this.value(ApplicationStateKeys.HTTP_ADDRESS);
  }

  get loadBytes(): number | undefined {
    const value = this.value(ApplicationStateKeys.LOAD);
    return value === undefined ? undefined : parseLoad(value);
  }

  get schemaVersion(): string | undefined {
    return this.value(ApplicationStateKeys.SCHEMA);
  }
}
