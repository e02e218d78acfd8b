import { describe, expect, it } from 'vitest';
import {
  AcceptorHandshake,
  computeProof,
  DialerHandshake,
  HandshakeFailure,
  type HandshakeFrame,
  type HandshakeParams,
  handshakeFromWire,
  handshakeToWire,
  type Transcript,
} from '../../src/internode/handshake.js';

const SECRET = Buffer.from('correct horse battery staple');

/** The example in docs/formats/internode.md ("What the proofs cover"). */
const EXAMPLE: Transcript = {
  clusterName: 'Ringtail',
  dialer: '127.0.0.1:7000',
  acceptor: '127.0.0.1:7001',
  dialerNonce: new Uint8Array(32).fill(1),
  acceptorNonce: new Uint8Array(32).fill(2),
};

let nonceCounter = 0;
function params(localAddress: string, overrides: Partial<HandshakeParams> = {}): HandshakeParams {
  return {
    clusterName: 'Ringtail',
    secret: SECRET,
    localAddress,
    nonce: () => new Uint8Array(32).fill(++nonceCounter),
    ...overrides,
  };
}

/** Runs both sides against each other through the wire form; returns each side's outcome. */
function run(dialer: DialerHandshake, acceptor: AcceptorHandshake) {
  const wire = (frame: HandshakeFrame) => handshakeFromWire(handshakeToWire(frame));
  try {
    const challenge = acceptor.receive(wire(dialer.hello()));
    const proof = dialer.receive(wire(challenge.reply!));
    const welcome = acceptor.receive(wire(proof.reply!));
    const done = dialer.receive(wire(welcome.reply!));
    return { acceptorPeer: welcome.peer, dialerPeer: done.peer };
  } catch (error) {
    expect(error).toBeInstanceOf(HandshakeFailure);
    return { failure: error as HandshakeFailure };
  }
}

describe('internode handshake', () => {
  it('computes the proofs documented in docs/formats/internode.md', () => {
    expect(computeProof(SECRET, 'dialer', EXAMPLE).toString('hex')).toBe(
      'f6da79b391b0ebc95bfb1051b7986f55ba14d6321baf60df4b9656e495fef840',
    );
    expect(computeProof(SECRET, 'acceptor', EXAMPLE).toString('hex')).toBe(
      '1769df45add92633bfa54750db1f71574728dabbc6b4911fd04f3951a9553164',
    );
  });

  it('binds each proof to the role, the secret, the cluster, both addresses and both nonces', () => {
    const reference = computeProof(SECRET, 'dialer', EXAMPLE).toString('hex');
    const variants: Transcript[] = [
      { ...EXAMPLE, clusterName: 'Ringtail2' },
      { ...EXAMPLE, dialer: '127.0.0.1:7002' },
      { ...EXAMPLE, acceptor: '127.0.0.1:7002' },
      { ...EXAMPLE, dialerNonce: new Uint8Array(32).fill(3) },
      { ...EXAMPLE, acceptorNonce: new Uint8Array(32).fill(3) },
      // The same bytes split differently between fields must not collide.
      { ...EXAMPLE, clusterName: 'Ringtail1', dialer: '27.0.0.1:7000' },
    ];
    for (const variant of variants) expect(computeProof(SECRET, 'dialer', variant).toString('hex')).not.toBe(reference);
    expect(computeProof(SECRET, 'acceptor', EXAMPLE).toString('hex')).not.toBe(reference);
    expect(computeProof(Buffer.from('other'), 'dialer', EXAMPLE).toString('hex')).not.toBe(reference);
  });

  it('authenticates both sides and tells the acceptor who the dialer claims to be', () => {
    const outcome = run(
      new DialerHandshake(params('10.0.0.1:7000'), '10.0.0.2:7000'),
      new AcceptorHandshake(params('10.0.0.2:7000')),
    );
    expect(outcome).toEqual({ acceptorPeer: '10.0.0.1:7000', dialerPeer: '10.0.0.2:7000' });
  });

  it.each([
    ['the dialer has the wrong secret', { secret: Buffer.from('x') }, {}, 'authentication failed'],
    ['the acceptor has the wrong secret', {}, { secret: Buffer.from('x') }, 'authentication failed'],
    ['the clusters differ', { clusterName: 'Other' }, {}, 'cluster name mismatch'],
  ])('fails when %s', (_, dialerOverrides, acceptorOverrides, peerReason) => {
    const outcome = run(
      new DialerHandshake(params('10.0.0.1:7000', dialerOverrides), '10.0.0.2:7000'),
      new AcceptorHandshake(params('10.0.0.2:7000', acceptorOverrides)),
    );
    expect(outcome.failure?.tellPeer).toBe(true);
    expect(outcome.failure?.peerReason).toContain(peerReason);
  });

  it('refuses a hello for another address, an unknown protocol, or a malformed claim', () => {
    const hello = new DialerHandshake(params('10.0.0.1:7000'), '10.0.0.9:7000').hello();
    expect(() => new AcceptorHandshake(params('10.0.0.2:7000')).receive(hello)).toThrow(/dialed "10.0.0.9:7000"/);
    const acceptor = () => new AcceptorHandshake(params('10.0.0.2:7000'));
    const good = new DialerHandshake(params('10.0.0.1:7000'), '10.0.0.2:7000').hello();
    expect(() => acceptor().receive({ ...good, version: 2 } as HandshakeFrame)).toThrow(/unsupported protocol/);
    expect(() => acceptor().receive({ ...good, from: 'nonsense' } as HandshakeFrame)).toThrow(/malformed address/);
    expect(() => acceptor().receive({ type: 'proof', proof: new Uint8Array(32) })).toThrow(/expected a hello/);
  });

  it('reads only well-formed handshake frames', () => {
    const malformed: unknown[][] = [
      [16, 'ringtail-internode', 1, 'c', 'a:1', 'b:1'],
      [16, 'ringtail-internode', 1, 'c', 'a:1', 'b:1', new Uint8Array(31)],
      [16, 'ringtail-internode', '1', 'c', 'a:1', 'b:1', new Uint8Array(32)],
      [17, new Uint8Array(32), 'extra'],
      [18, 'not bytes'],
      [19, new Uint8Array(33)],
      [20, 42],
      [21],
    ];
    for (const frame of malformed)
      expect(() => handshakeFromWire(frame), JSON.stringify(frame)).toThrow(HandshakeFailure);
    expect(handshakeFromWire([20, 'r'.repeat(1000)])).toEqual({ type: 'reject', reason: 'r'.repeat(256) });
  });
});
