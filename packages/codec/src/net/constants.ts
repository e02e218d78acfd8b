/**
 * Limits shared by every {@link Transport} implementation (the TCP transport in
 * packages/node adds its own in `internode/constants.ts`). The wire-level ones
 * are documented in docs/formats/internode.md.
 */

/** Longest message kind (`gossip.syn`, ...) accepted on the wire. */
export const MAX_MESSAGE_KIND_CHARS = 64;

/** Largest codec version: versions travel as unsigned 16-bit numbers. */
export const MAX_MESSAGE_VERSION = 0xffff;

/** Longest `host:port` peer address (a 253-character DNS name, `:`, five digits, brackets for IPv6). */
export const MAX_PEER_ADDRESS_CHARS = 261;

/** Request ids are unsigned 32-bit numbers, 1 and up; 0 marks a one-way message. */
export const MAX_REQUEST_ID = 0xffff_ffff;

/** Longest request timeout: the largest delay a Node.js timer honours (about 24.8 days). */
export const MAX_REQUEST_TIMEOUT_MS = 2_147_483_647;

/** Requests one transport may have waiting for an answer; beyond it `request` rejects `RT_LIMIT_EXCEEDED`. */
export const DEFAULT_MAX_PENDING_REQUESTS = 8192;

/** Requests from one peer whose handlers may run at once; beyond it the peer is answered `RT_LIMIT_EXCEEDED`. */
export const DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER = 1024;

/** A remote failure's message is cut to this many characters before it is sent back. */
export const MAX_REMOTE_ERROR_MESSAGE_CHARS = 1024;

/** Version of the body of an `error` envelope (`{code, message}`). */
export const ERROR_BODY_VERSION = 1;

/** Deepest nesting of arrays and objects the simulated wire accepts in an encoded message. */
export const MAX_WIRE_VALUE_DEPTH = 64;

/** Messages one simulated link (one sender towards one address) may have in flight before `send` refuses. */
export const DEFAULT_SIM_MAX_IN_FLIGHT_PER_LINK = 10_000;
