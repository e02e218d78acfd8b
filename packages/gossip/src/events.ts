/**
 * Gossip events for the rest of the node. Listeners run synchronously after
 * the gossiper's state has been updated (so a listener reading the gossiper
 * sees the change), in the order the events happened; a listener that throws
 * is logged and does not disturb gossip or the other listeners.
 */
import type { Logger, PeerAddress } from '@ringtail/codec';
import type { EndpointView } from './view.js';

/** One application state of an endpoint (this node included) took a new value. */
export interface StateChange {
  readonly address: PeerAddress;
  readonly key: string;
  readonly value: string;
  readonly version: number;
  /** The endpoint after the whole update that carried this change. */
  readonly endpoint: EndpointView;
}

export interface GossipEventMap {
  /** A member endpoint was learned for the first time (or came back after it left or was removed); its states follow as `change` events. */
  join: EndpointView;
  /** A known member restarted (a new generation); it is DOWN until its new heartbeat advances. Its states follow as `change` events. */
  restart: EndpointView;
  change: StateChange;
  /** The endpoint's heartbeat advanced while it was DOWN (or not yet judged). */
  up: EndpointView;
  /** Convicted by the failure detector, announced its shutdown, restarted, left or was removed while UP. */
  down: EndpointView;
  /** A member LEFT or was REMOVED: it no longer belongs to the cluster. */
  removed: EndpointView;
}

export type GossipEventName = keyof GossipEventMap;

export type GossipListener<E extends GossipEventName> = (payload: GossipEventMap[E]) => void;

type ListenerTable = { [E in GossipEventName]: GossipListener<E>[] };

export class GossipEmitter {
  private readonly listeners: ListenerTable = { join: [], restart: [], change: [], up: [], down: [], removed: [] };
  private readonly queue: { event: GossipEventName; payload: unknown }[] = [];
  private draining = false;

  constructor(private readonly logger: Logger) {}

  /** Subscribes; returns the function that unsubscribes. */
  on<E extends GossipEventName>(event: E, listener: GossipListener<E>): () => void {
    const list = this.listeners[event] as GossipListener<E>[];
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Whether anyone listens to `event` (so payloads are built only when needed). */
  wants(event: GossipEventName): boolean {
    return this.listeners[event].length > 0;
  }

  /** Queues an event; `payload` is called now, so the snapshot is of the moment it happened. */
  push<E extends GossipEventName>(event: E, payload: () => GossipEventMap[E]): void {
    if (this.wants(event)) this.queue.push({ event, payload: payload() });
  }

  /**
   * Delivers queued events. Events a listener causes are queued behind the
   * current ones and delivered by the same drain, never re-entrantly.
   */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const next = this.queue[i]!;
        for (const listener of [...this.listeners[next.event]] as GossipListener<GossipEventName>[]) {
          try {
            listener(next.payload as never);
          } catch (err) {
            this.logger.error({ err, event: next.event }, 'gossip listener failed');
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }
}
