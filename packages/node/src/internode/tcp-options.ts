import {
  DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER,
  DEFAULT_MAX_PENDING_REQUESTS,
  ErrorCodes,
  isPeerAddress,
  type Logger,
  type PeerAddress,
  type Random,
  RingtailError,
  type Timers,
} from '@ringtail/codec';
import { MAX_NAME_LENGTH_CHARS } from '../constants.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_INBOUND_CONNECTIONS,
  DEFAULT_MAX_OUTBOUND_PEERS,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_MAX_QUEUED_BYTES_PER_PEER,
  DEFAULT_MAX_QUEUED_MESSAGES_PER_PEER,
  DEFAULT_RECONNECT_BASE_MS,
  DEFAULT_RECONNECT_MAX_MS,
  MAX_FRAME_BYTES_LIMIT,
  NONCE_BYTES,
} from './constants.js';

/** Bounds and timings of a TCP transport; every one has a default in {@link DEFAULT_TCP_TRANSPORT_LIMITS}. */
export interface TcpTransportLimits {
  /** Largest frame body sent or accepted after the handshake; a bigger message fails `RT_LIMIT_EXCEEDED`. */
  readonly maxFrameBytes: number;
  /** Frames waiting towards one peer (and answers waiting on one accepted connection). */
  readonly maxQueuedMessagesPerPeer: number;
  /** Bytes of those frames; at least `maxFrameBytes`. */
  readonly maxQueuedBytesPerPeer: number;
  /** Requests waiting for answers at once. */
  readonly maxPendingRequests: number;
  /** One peer's requests whose handlers run at once; more are answered `RT_LIMIT_EXCEEDED`. */
  readonly maxInboundRequestsPerPeer: number;
  readonly maxInboundConnections: number;
  readonly maxPendingHandshakes: number;
  /** Distinct peers with a link (connected, connecting or backing off); more fail `RT_LIMIT_EXCEEDED`. */
  readonly maxOutboundPeers: number;
  /** An accepted connection must finish the handshake within this time. */
  readonly handshakeTimeoutMs: number;
  /** A dialed connection must connect and finish the handshake within this time. */
  readonly connectTimeoutMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
}

export const DEFAULT_TCP_TRANSPORT_LIMITS: TcpTransportLimits = {
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxQueuedMessagesPerPeer: DEFAULT_MAX_QUEUED_MESSAGES_PER_PEER,
  maxQueuedBytesPerPeer: DEFAULT_MAX_QUEUED_BYTES_PER_PEER,
  maxPendingRequests: DEFAULT_MAX_PENDING_REQUESTS,
  maxInboundRequestsPerPeer: DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER,
  maxInboundConnections: DEFAULT_MAX_INBOUND_CONNECTIONS,
  maxPendingHandshakes: DEFAULT_MAX_PENDING_HANDSHAKES,
  maxOutboundPeers: DEFAULT_MAX_OUTBOUND_PEERS,
  handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  reconnectBaseMs: DEFAULT_RECONNECT_BASE_MS,
  reconnectMaxMs: DEFAULT_RECONNECT_MAX_MS,
};

export interface TcpTransportOptions {
  /** Address to listen on, e.g. `127.0.0.1`. */
  readonly host: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /**
   * The address peers dial and this node claims in handshakes. Default
   * `host:port` with the port actually bound. Set it when listening on a
   * wildcard address. A peer must dial exactly this string.
   */
  readonly advertisedAddress?: PeerAddress;
  /** Peers in another cluster are refused. */
  readonly clusterName: string;
  /** Shared by every node of the cluster; proves membership in the handshake. Use 32 random bytes or more. */
  readonly clusterSecret: string | Uint8Array;
  readonly timers: Timers;
  /** For reconnect jitter. Handshake nonces come from node:crypto, never from here. */
  readonly random: Random;
  readonly logger: Logger;
  readonly limits?: Partial<TcpTransportLimits>;
}

function invalid(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** Validates options and fills in defaults. Throws `RT_INVALID_ARGUMENT`. */
export function resolveTcpTransportOptions(options: TcpTransportOptions) {
  const { clusterName, clusterSecret, advertisedAddress } = options;
  if (typeof options.host !== 'string' || options.host.length === 0) throw invalid('host must be a non-empty string');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw invalid(`port must be an integer from 0 to 65535, got ${options.port}`);
  }
  if (advertisedAddress !== undefined && !isPeerAddress(advertisedAddress)) {
    throw invalid(`advertisedAddress must be host:port, got ${JSON.stringify(advertisedAddress)}`);
  }
  if (typeof clusterName !== 'string' || clusterName.length === 0 || clusterName.length > MAX_NAME_LENGTH_CHARS) {
    throw invalid(`clusterName must be 1 to ${MAX_NAME_LENGTH_CHARS} characters`);
  }
  const secret = typeof clusterSecret === 'string' ? Buffer.from(clusterSecret, 'utf8') : Buffer.from(clusterSecret);
  if (secret.length === 0) throw invalid('clusterSecret must not be empty');
  const limits: TcpTransportLimits = { ...DEFAULT_TCP_TRANSPORT_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw invalid(`limits.${name} must be a positive integer`);
  }
  if (limits.maxFrameBytes > MAX_FRAME_BYTES_LIMIT) {
    throw invalid(`limits.maxFrameBytes must be at most ${MAX_FRAME_BYTES_LIMIT}`);
  }
  if (limits.maxQueuedBytesPerPeer < limits.maxFrameBytes) {
    throw invalid('limits.maxQueuedBytesPerPeer must be at least limits.maxFrameBytes');
  }
  if (limits.reconnectMaxMs < limits.reconnectBaseMs) {
    throw invalid('limits.reconnectMaxMs must be at least limits.reconnectBaseMs');
  }
  return {
    clusterName,
    secret,
    limits,
    timers: options.timers,
    random: options.random,
    logger: options.logger,
    nonceBytes: NONCE_BYTES,
  };
}
