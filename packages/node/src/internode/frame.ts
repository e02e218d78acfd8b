/**
 * Internode frames: a 4-byte big-endian body length, then a msgpack body
 * (docs/formats/internode.md, "Frame"). The writer and the reader of the format
 * sit together here, with the bounded queue frames wait in before the socket.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import { Packr } from 'msgpackr';
import { FRAME_LENGTH_BYTES } from './constants.js';

// Plain msgpack maps and arrays (no record extension), so any msgpack reader can
// follow a capture; bigints within 64 bits travel as int64/uint64 and come back
// as bigints, other numbers as numbers.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, bundleStrings: false });

/**
 * Encodes `value` as one frame. Throws `RT_LIMIT_EXCEEDED` when the body is over
 * `maxFrameBytes`, and `RT_INVALID_ARGUMENT` when msgpack cannot encode it.
 */
export function encodeFrame(value: unknown, maxFrameBytes: number): Buffer {
  let body: Buffer;
  try {
    body = packr.pack(value);
  } catch (err) {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `cannot msgpack a message: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (body.length > maxFrameBytes) {
    throw new RingtailError(
      ErrorCodes.LIMIT_EXCEEDED,
      `a message of ${body.length} bytes is over the ${maxFrameBytes}-byte frame limit`,
    );
  }
  // A copy: the packer reuses its buffer, and a frame may wait in a queue.
  const frame = Buffer.allocUnsafe(FRAME_LENGTH_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, FRAME_LENGTH_BYTES);
  return frame;
}

/** Decodes one frame body. Throws `RT_BAD_MESSAGE` for anything but exactly one msgpack value. */
export function decodeFrameBody(body: Buffer): unknown {
  try {
    return packr.unpack(body);
  } catch (err) {
    throw new RingtailError(ErrorCodes.BAD_MESSAGE, `undecodable frame body: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Splits a byte stream into frame bodies. Call `append` with each chunk, then
 * `next` until it returns undefined; the limit may change between frames (it
 * grows once the handshake is done). A zero or oversize length throws
 * `RT_BAD_MESSAGE` / `RT_LIMIT_EXCEEDED`: the stream cannot be trusted past it,
 * and the oversize body is never buffered.
 */
export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** Length of the frame being read, once its prefix is in; -1 before. */
  private bodyBytes = -1;

  constructor(public maxFrameBytes: number) {}

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  next(): Buffer | undefined {
    if (this.bodyBytes < 0) {
      if (this.bufferedBytes < FRAME_LENGTH_BYTES) return undefined;
      const length = this.take(FRAME_LENGTH_BYTES).readUInt32BE(0);
      if (length === 0) throw new RingtailError(ErrorCodes.BAD_MESSAGE, 'a frame of length 0');
      if (length > this.maxFrameBytes) {
        throw new RingtailError(
          ErrorCodes.LIMIT_EXCEEDED,
          `a frame of ${length} bytes is over the ${this.maxFrameBytes}-byte limit`,
        );
      }
      this.bodyBytes = length;
    }
    if (this.bufferedBytes < this.bodyBytes) return undefined;
    const body = this.take(this.bodyBytes);
    this.bodyBytes = -1;
    return body;
  }

  /** Removes the first `count` buffered bytes (count <= bufferedBytes). */
  private take(count: number): Buffer {
    this.bufferedBytes -= count;
    const first = this.chunks[0]!;
    if (first.length >= count) {
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, count - filled);
      chunk.copy(out, filled, 0, used);
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
      filled += used;
    }
    return out;
  }
}

/** Frames waiting for a socket, bounded in count and bytes. */
export class FrameQueue {
  private frames: Buffer[] = [];
  private head = 0;
  private queuedBytes = 0;

  constructor(
    private readonly maxFrames: number,
    private readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.frames.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** False (and nothing queued) when the frame would take the queue past a bound. */
  push(frame: Buffer): boolean {
    if (this.length >= this.maxFrames || this.queuedBytes + frame.length > this.maxBytes) return false;
    this.frames.push(frame);
    this.queuedBytes += frame.length;
    return true;
  }

  shift(): Buffer | undefined {
    if (this.head >= this.frames.length) return undefined;
    const frame = this.frames[this.head++]!;
    this.queuedBytes -= frame.length;
    if (this.head === this.frames.length) {
      this.frames = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    return frame;
  }

  /** Empties the queue; returns how many frames were dropped. */
  clear(): number {
    const dropped = this.length;
    this.frames = [];
    this.head = 0;
    this.queuedBytes = 0;
    return dropped;
  }
}
