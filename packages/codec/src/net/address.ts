import { ErrorCodes, RingtailError } from '../errors.js';
import { MAX_PEER_ADDRESS_CHARS } from './constants.js';
import type { PeerAddress } from './transport.js';

/** A peer address split into the host to connect to (IPv6 without brackets) and the port. */
export interface PeerEndpoint {
  readonly host: string;
  readonly port: number;
}

// A DNS name or IPv4 address, or an IPv6 address (optionally with a zone) in brackets; then a port.
const ADDRESS = /^(?:\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]|([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)):(\d{1,5})$/;

/**
 * Checks that `address` is `host:port` (port 1–65535, IPv6 hosts in brackets)
 * and splits it. Throws `RT_INVALID_ARGUMENT` otherwise.
 */
export function parsePeerAddress(address: string): PeerEndpoint {
  const match = typeof address === 'string' && address.length <= MAX_PEER_ADDRESS_CHARS && ADDRESS.exec(address);
  const port = match ? Number(match[3]) : 0;
  if (!match || port < 1 || port > 65_535) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `not a peer address (host:port): ${JSON.stringify(String(address).slice(0, MAX_PEER_ADDRESS_CHARS))}`,
    );
  }
  return { host: match[1] ?? match[2]!, port };
}

export function isPeerAddress(value: unknown): value is PeerAddress {
  if (typeof value !== 'string') return false;
  try {
    parsePeerAddress(value);
    return true;
  } catch {
    return false;
  }
}

/** `host:port`, with an IPv6 host in brackets. */
export function formatPeerAddress(host: string, port: number): PeerAddress {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
