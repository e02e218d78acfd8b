/**
 * Limits and defaults of the TCP internode transport, in one place. The frame
 * and handshake formats they bound are described in docs/formats/internode.md;
 * limits shared with the simulated network live in codec's `net/constants.ts`.
 */

/** Every frame starts with its body length as an unsigned 32-bit big-endian number. */
export const FRAME_LENGTH_BYTES = 4;

/** Largest frame body accepted or sent once the handshake is done; a peer sending more is cut off. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The largest `maxFrameBytes` a transport may be configured with. */
export const MAX_FRAME_BYTES_LIMIT = 256 * 1024 * 1024;

/** Largest frame body accepted before the handshake completes: an unauthenticated peer gets little buffer. */
export const MAX_HANDSHAKE_FRAME_BYTES = 1024;

/** The protocol name in a `hello`; a peer naming another protocol is refused. */
export const HANDSHAKE_PROTOCOL = 'ringtail-internode';

/** The handshake version this build speaks (and the only one it accepts). */
export const HANDSHAKE_VERSION = 1;

/** Domain-separation prefix of every HMAC input (see docs/formats/internode.md, "What the proofs cover"). */
export const PROOF_CONTEXT = 'ringtail-internode-v1';

/** Bytes of each side's nonce (from the operating system's CSPRNG). */
export const NONCE_BYTES = 32;

/** Bytes of an HMAC-SHA256 proof. */
export const PROOF_BYTES = 32;

/** A `reject` frame's reason is cut to this many characters. */
export const MAX_REJECT_REASON_CHARS = 256;

/** An accepted connection must complete the handshake within this time. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;

/** An outgoing connection must be connected and through the handshake within this time. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Frames waiting to be written towards one peer; beyond it `send` returns false. */
export const DEFAULT_MAX_QUEUED_MESSAGES_PER_PEER = 4_096;

/** Bytes of frames waiting to be written towards one peer (at least one largest frame). */
export const DEFAULT_MAX_QUEUED_BYTES_PER_PEER = 64 * 1024 * 1024;

/** Accepted connections open at once, handshaking or not; more are closed at once. */
export const DEFAULT_MAX_INBOUND_CONNECTIONS = 1_024;

/** Accepted connections still in their handshake; more are closed at once. */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 64;

/** Distinct peers this node keeps an outgoing link to (connected, connecting or backing off). */
export const DEFAULT_MAX_OUTBOUND_PEERS = 1_024;

/** First reconnect delay after a failed connection attempt; it doubles with every further failure. */
export const DEFAULT_RECONNECT_BASE_MS = 100;

/** Longest reconnect delay. */
export const DEFAULT_RECONNECT_MAX_MS = 10_000;

/** TCP keep-alive probes start after this much idle time, so a dead peer's connection is noticed. */
export const TCP_KEEPALIVE_INITIAL_DELAY_MS = 30_000;
