/**
 * Randomness, injected and seedable. {@link seededRandom} is a small fast PRNG
 * (sfc32) whose whole sequence follows from one 32-bit seed, so a failing test
 * or simulation replays from the seed it prints.
 */
export interface Random {
  /** The seed this source was created from (for printing on failure). */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). `bound` must be a positive integer ≤ 2^32. */
  int(bound: number): number;
  /** `length` random bytes. */
  bytes(length: number): Uint8Array;
  /** An independent source derived from this one (for a sub-component). */
  fork(): Random;
}

class Sfc32 implements Random {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = this.seed;
    for (let i = 0; i < 15; i++) this.u32();
  }

  private u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  int(bound: number): number {
    if (!(bound > 0 && bound <= 4294967296 && Number.isInteger(bound))) {
      throw new RangeError(`random bound must be an integer in (0, 2^32], got ${bound}`);
    }
    return Math.floor(this.next() * bound);
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let i = 0;
    while (i + 4 <= length) {
      const v = this.u32();
      out[i++] = v & 0xff;
      out[i++] = (v >>> 8) & 0xff;
      out[i++] = (v >>> 16) & 0xff;
      out[i++] = v >>> 24;
    }
    if (i < length) {
      let v = this.u32();
      while (i < length) {
        out[i++] = v & 0xff;
        v >>>= 8;
      }
    }
    return out;
  }

  fork(): Random {
    return new Sfc32(this.u32());
  }
}

export function seededRandom(seed: number): Random {
  return new Sfc32(seed);
}

/** A source seeded from the operating system's entropy, for production. */
export function systemRandom(): Random {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  return new Sfc32(seed);
}
