/**
 * The internode handshake: before any message, both ends of a connection prove
 * knowledge of the cluster secret by HMAC-SHA256 over a transcript holding the
 * cluster name, both addresses and a fresh nonce from each side, and the
 * acceptor learns which listen address the dialer claims. Challenge–response:
 * a recorded proof is worthless on a new connection, whose nonces differ.
 *
 *   dialer                                 acceptor
 *   hello {protocol, version, cluster, from, to, dialerNonce}  →
 *                                          ← challenge {acceptorNonce}
 *   proof {HMAC(dialer role)}              →
 *                                          ← welcome {HMAC(acceptor role)}
 *
 * Either side may send `reject {reason}` and close instead. The acceptor proves
 * itself only after the dialer has, so an unauthenticated peer learns nothing it
 * could replay. Pure state machines, no sockets: connection.ts drives them.
 * Format: docs/formats/internode.md ("Handshake").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isPeerAddress, type PeerAddress } from '@ringtail/codec';
import { MAX_NAME_LENGTH_CHARS } from '../constants.js';
import {
  HANDSHAKE_PROTOCOL,
  HANDSHAKE_VERSION,
  MAX_REJECT_REASON_CHARS,
  NONCE_BYTES,
  PROOF_BYTES,
  PROOF_CONTEXT,
} from './constants.js';

/** Wire numbers of the handshake frames (envelopes use 1–4). */
export const HANDSHAKE_TYPE_CODES = { hello: 16, challenge: 17, proof: 18, welcome: 19, reject: 20 } as const;

export type HandshakeFrame =
  | {
      readonly type: 'hello';
      readonly protocol: string;
      readonly version: number;
      readonly clusterName: string;
      /** The dialer's own listen address: who it claims to be. */
      readonly from: PeerAddress;
      /** The address the dialer dialed: who it expects to reach. */
      readonly to: PeerAddress;
      readonly nonce: Uint8Array;
    }
  | { readonly type: 'challenge'; readonly nonce: Uint8Array }
  | { readonly type: 'proof'; readonly proof: Uint8Array }
  | { readonly type: 'welcome'; readonly proof: Uint8Array }
  | { readonly type: 'reject'; readonly reason: string };

/** A failed handshake. `tellPeer`: send the peer a `reject` with `peerReason` before closing. */
export class HandshakeFailure extends Error {
  constructor(
    message: string,
    readonly tellPeer: boolean,
    readonly peerReason: string = message,
  ) {
    super(message);
    this.name = 'HandshakeFailure';
  }
}

export function isHandshakeTypeCode(code: unknown): boolean {
  return typeof code === 'number' && code >= HANDSHAKE_TYPE_CODES.hello && code <= HANDSHAKE_TYPE_CODES.reject;
}

export function handshakeToWire(frame: HandshakeFrame): unknown[] {
  switch (frame.type) {
    case 'hello':
      return [
        HANDSHAKE_TYPE_CODES.hello,
        frame.protocol,
        frame.version,
        frame.clusterName,
        frame.from,
        frame.to,
        frame.nonce,
      ];
    case 'challenge':
      return [HANDSHAKE_TYPE_CODES.challenge, frame.nonce];
    case 'proof':
      return [HANDSHAKE_TYPE_CODES.proof, frame.proof];
    case 'welcome':
      return [HANDSHAKE_TYPE_CODES.welcome, frame.proof];
    case 'reject':
      return [HANDSHAKE_TYPE_CODES.reject, frame.reason.slice(0, MAX_REJECT_REASON_CHARS)];
  }
}

function malformed(what: string): HandshakeFailure {
  return new HandshakeFailure(`malformed ${what} frame`, true);
}

function bytesOf(value: unknown, length: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) throw malformed(what);
  return value;
}

/** Reads a handshake frame (an array whose first element is a handshake type code). Throws HandshakeFailure. */
export function handshakeFromWire(value: readonly unknown[]): HandshakeFrame {
  const [code, ...fields] = value;
  switch (code) {
    case HANDSHAKE_TYPE_CODES.hello: {
      const [protocol, version, clusterName, from, to, nonce] = fields;
      if (
        fields.length !== 6 ||
        typeof protocol !== 'string' ||
        typeof version !== 'number' ||
        typeof clusterName !== 'string' ||
        clusterName.length > MAX_NAME_LENGTH_CHARS ||
        typeof from !== 'string' ||
        typeof to !== 'string'
      ) {
        throw malformed('hello');
      }
      return { type: 'hello', protocol, version, clusterName, from, to, nonce: bytesOf(nonce, NONCE_BYTES, 'hello') };
    }
    case HANDSHAKE_TYPE_CODES.challenge:
      if (fields.length !== 1) throw malformed('challenge');
      return { type: 'challenge', nonce: bytesOf(fields[0], NONCE_BYTES, 'challenge') };
    case HANDSHAKE_TYPE_CODES.proof:
      if (fields.length !== 1) throw malformed('proof');
      return { type: 'proof', proof: bytesOf(fields[0], PROOF_BYTES, 'proof') };
    case HANDSHAKE_TYPE_CODES.welcome:
      if (fields.length !== 1) throw malformed('welcome');
      return { type: 'welcome', proof: bytesOf(fields[0], PROOF_BYTES, 'welcome') };
    case HANDSHAKE_TYPE_CODES.reject: {
      const reason = fields[0];
      if (fields.length !== 1 || typeof reason !== 'string') throw malformed('reject');
      return { type: 'reject', reason: reason.slice(0, MAX_REJECT_REASON_CHARS) };
    }
    default:
      throw malformed(`type ${String(code)}`);
  }
}

/** What both proofs are computed over. */
export interface Transcript {
  readonly clusterName: string;
  readonly dialer: PeerAddress;
  readonly acceptor: PeerAddress;
  readonly dialerNonce: Uint8Array;
  readonly acceptorNonce: Uint8Array;
}

const ROLE_BYTE = { dialer: 1, acceptor: 2 } as const;

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/**
 * HMAC-SHA256 keyed by the cluster secret over: the context string, one role
 * byte (1 dialer, 2 acceptor — so one side's proof is never valid as the
 * other's), the cluster name and both addresses (each a u16 big-endian byte
 * length and UTF-8), the dialer's nonce, the acceptor's nonce.
 */
export function computeProof(secret: Uint8Array, role: keyof typeof ROLE_BYTE, transcript: Transcript): Buffer {
  return createHmac('sha256', secret)
    .update(PROOF_CONTEXT, 'ascii')
    .update(Uint8Array.of(ROLE_BYTE[role]))
    .update(lengthPrefixed(transcript.clusterName))
    .update(lengthPrefixed(transcript.dialer))
    .update(lengthPrefixed(transcript.acceptor))
    .update(transcript.dialerNonce)
    .update(transcript.acceptorNonce)
    .digest();
}

function proofMatches(expected: Buffer, actual: Uint8Array): boolean {
  return actual.length === expected.length && timingSafeEqual(expected, actual);
}

export interface HandshakeParams {
  readonly clusterName: string;
  readonly secret: Uint8Array;
  /** This node's listen address (what it claims as a dialer, what it must be dialed as). */
  readonly localAddress: PeerAddress;
  /** Fresh unpredictable bytes for this connection's nonce. */
  readonly nonce: () => Uint8Array;
}

/** One step's outcome: a frame to send, and once the handshake is done the authenticated peer. */
export interface HandshakeStep {
  readonly reply?: HandshakeFrame;
  readonly peer?: PeerAddress;
}

function unexpected(frame: HandshakeFrame, expected: string): HandshakeFailure {
  if (frame.type === 'reject') return new HandshakeFailure(`the peer rejected the handshake: ${frame.reason}`, false);
  return new HandshakeFailure(`expected a ${expected} frame, got ${frame.type}`, true, 'unexpected handshake frame');
}

/** The side that opened the connection. */
export class DialerHandshake {
  private readonly dialerNonce: Uint8Array;
  private acceptorNonce: Uint8Array | undefined;

  constructor(
    private readonly params: HandshakeParams,
    /** The address dialed; it must be the acceptor's own listen address. */
    private readonly peer: PeerAddress,
  ) {
    this.dialerNonce = params.nonce();
  }

  hello(): HandshakeFrame {
    return {
      type: 'hello',
      protocol: HANDSHAKE_PROTOCOL,
      version: HANDSHAKE_VERSION,
      clusterName: this.params.clusterName,
      from: this.params.localAddress,
      to: this.peer,
      nonce: this.dialerNonce,
    };
  }

  /** Throws HandshakeFailure. */
  receive(frame: HandshakeFrame): HandshakeStep {
    if (this.acceptorNonce === undefined) {
      if (frame.type !== 'challenge') throw unexpected(frame, 'challenge');
      this.acceptorNonce = frame.nonce;
      return { reply: { type: 'proof', proof: computeProof(this.params.secret, 'dialer', this.transcript()) } };
    }
    if (frame.type !== 'welcome') throw unexpected(frame, 'welcome');
    if (!proofMatches(computeProof(this.params.secret, 'acceptor', this.transcript()), frame.proof)) {
      throw new HandshakeFailure(
        'the peer failed to prove it knows the cluster secret (wrong secret?)',
        true,
        'authentication failed',
      );
    }
    return { peer: this.peer };
  }

  private transcript(): Transcript {
    return {
      clusterName: this.params.clusterName,
      dialer: this.params.localAddress,
      acceptor: this.peer,
      dialerNonce: this.dialerNonce,
      acceptorNonce: this.acceptorNonce!,
    };
  }
}

/** The side that accepted the connection. */
export class AcceptorHandshake {
  private hello: Extract<HandshakeFrame, { type: 'hello' }> | undefined;
  private acceptorNonce: Uint8Array | undefined;

  constructor(private readonly params: HandshakeParams) {}

  /** The address the peer claims, once it said hello (for log lines). */
  get claimedAddress(): PeerAddress | undefined {
    return this.hello?.from;
  }

  /** Throws HandshakeFailure. */
  receive(frame: HandshakeFrame): HandshakeStep {
    if (this.hello === undefined) {
      if (frame.type !== 'hello') throw unexpected(frame, 'hello');
      this.checkHello(frame);
      this.hello = frame;
      this.acceptorNonce = this.params.nonce();
      return { reply: { type: 'challenge', nonce: this.acceptorNonce } };
    }
    if (frame.type !== 'proof') throw unexpected(frame, 'proof');
    const transcript: Transcript = {
      clusterName: this.params.clusterName,
      dialer: this.hello.from,
      acceptor: this.params.localAddress,
      dialerNonce: this.hello.nonce,
      acceptorNonce: this.acceptorNonce!,
    };
    if (!proofMatches(computeProof(this.params.secret, 'dialer', transcript), frame.proof)) {
      throw new HandshakeFailure(
        'the peer failed to prove it knows the cluster secret (wrong secret?)',
        true,
        'authentication failed',
      );
    }
    return {
      reply: { type: 'welcome', proof: computeProof(this.params.secret, 'acceptor', transcript) },
      peer: this.hello.from,
    };
  }

  private checkHello(hello: Extract<HandshakeFrame, { type: 'hello' }>): void {
    if (hello.protocol !== HANDSHAKE_PROTOCOL || hello.version !== HANDSHAKE_VERSION) {
      throw new HandshakeFailure(
        `unsupported protocol ${JSON.stringify(hello.protocol)} version ${hello.version}`,
        true,
        `this node speaks ${HANDSHAKE_PROTOCOL} version ${HANDSHAKE_VERSION}`,
      );
    }
    if (hello.clusterName !== this.params.clusterName) {
      throw new HandshakeFailure(
        `cluster name mismatch: the peer claiming ${JSON.stringify(hello.from)} is in ${JSON.stringify(hello.clusterName)}`,
        true,
        `cluster name mismatch: this node is in ${JSON.stringify(this.params.clusterName)}`,
      );
    }
    if (hello.to !== this.params.localAddress) {
      throw new HandshakeFailure(
        `the peer dialed ${JSON.stringify(hello.to)}, but this node is ${this.params.localAddress}`,
        true,
        `this node is ${this.params.localAddress}, not ${hello.to}`,
      );
    }
    if (!isPeerAddress(hello.from)) {
      throw new HandshakeFailure(`the peer claims a malformed address ${JSON.stringify(hello.from)}`, true);
    }
  }
}
