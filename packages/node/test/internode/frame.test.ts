import { ErrorCodes, RingtailError, seededRandom } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeFrame, FrameDecoder, FrameQueue } from '../../src/internode/frame.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RingtailError);
    return (error as RingtailError).code;
  }
  return undefined;
}

describe('internode frames', () => {
  it('are a big-endian u32 body length, then one msgpack value (the example in docs/formats/internode.md)', () => {
    const example = encodeFrame([1, 0, 'gossip.syn', 1, 'hi'], 1024);
    expect(example.toString('hex')).toBe('00000012' + '95' + '01' + '00' + 'aa676f737369702e73796e' + '01' + 'a26869');
    const frame = encodeFrame([2, 7, 'ping', 1, { n: 7n, at: 2 ** 40, bytes: Buffer.from([1]) }], 1024);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(decodeFrameBody(frame.subarray(4))).toEqual([
      2,
      7,
      'ping',
      1,
      { n: 7n, at: 2 ** 40, bytes: Buffer.from([1]) },
    ]);
  });

  it('refuse bodies over the limit, values msgpack cannot hold, and bytes that are not one value', () => {
    expect(codeOf(() => encodeFrame('x'.repeat(2000), 1024))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(codeOf(() => encodeFrame(2n ** 64n, 1024))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => decodeFrameBody(Buffer.from([0x92, 0x01])))).toBe(ErrorCodes.BAD_MESSAGE);
    expect(codeOf(() => decodeFrameBody(Buffer.from([0x01, 0x02])))).toBe(ErrorCodes.BAD_MESSAGE);
    let deep = Buffer.alloc(100_000, 0x91);
    deep = Buffer.concat([deep, Buffer.from([0xc0])]);
    expect(codeOf(() => decodeFrameBody(deep))).toBe(ErrorCodes.BAD_MESSAGE);
  });

  it('are split out of a stream however it is chunked', () => {
    const values = [['a'], [1, 2, 3], { big: 'y'.repeat(300) }, [Buffer.from([1, 2, 3])], 'end'];
    const stream = Buffer.concat(values.map((value) => encodeFrame(value, 4096)));
    const random = seededRandom(11);
    for (let trial = 0; trial < 200; trial++) {
      const decoder = new FrameDecoder(4096);
      const bodies: Buffer[] = [];
      let offset = 0;
      while (offset < stream.length) {
        const size = trial === 0 ? 1 : 1 + random.int(64);
        decoder.append(stream.subarray(offset, offset + size));
        offset += size;
        for (let body = decoder.next(); body !== undefined; body = decoder.next()) bodies.push(body);
      }
      expect(bodies.map((body) => decodeFrameBody(body))).toEqual(values);
    }
  });

  it('reject an oversize or zero length from its prefix alone, and apply a limit that changes between frames', () => {
    const oversize = new FrameDecoder(1024);
    oversize.append(Buffer.from([0, 0, 4, 1]));
    expect(codeOf(() => oversize.next())).toBe(ErrorCodes.LIMIT_EXCEEDED);
    const zero = new FrameDecoder(1024);
    zero.append(Buffer.from([0, 0, 0, 0]));
    expect(codeOf(() => zero.next())).toBe(ErrorCodes.BAD_MESSAGE);

    const growing = new FrameDecoder(16);
    growing.append(Buffer.concat([encodeFrame('small', 16), encodeFrame('z'.repeat(100), 1024)]));
    expect(decodeFrameBody(growing.next()!)).toBe('small');
    growing.maxFrameBytes = 1024;
    expect(decodeFrameBody(growing.next()!)).toBe('z'.repeat(100));
    expect(growing.next()).toBeUndefined();
  });

  it('wait in a queue bounded in count and bytes', () => {
    const queue = new FrameQueue(3, 100);
    expect(queue.push(Buffer.alloc(40))).toBe(true);
    expect(queue.push(Buffer.alloc(40))).toBe(true);
    expect(queue.push(Buffer.alloc(40))).toBe(false);
    expect(queue.push(Buffer.alloc(20))).toBe(true);
    expect(queue.push(Buffer.alloc(1))).toBe(false);
    expect([queue.length, queue.bytes]).toEqual([3, 100]);
    expect(queue.shift()?.length).toBe(40);
    expect(queue.push(Buffer.alloc(10))).toBe(true);
    expect([queue.shift()?.length, queue.shift()?.length, queue.shift()?.length]).toEqual([40, 20, 10]);
    expect(queue.shift()).toBeUndefined();
    queue.push(Buffer.alloc(1));
    expect(queue.clear()).toBe(1);
    expect([queue.length, queue.bytes]).toEqual([0, 0]);
  });
});
