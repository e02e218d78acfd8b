/**
 * An independent reading of Data and Index by docs/formats/sstable.md, with
 * none of the package's code: where each block and each partition record is,
 * so the damage tests know what a flipped bit must break and what it must not.
 */

export interface BlockExtent {
  /** Offset of the framed block. */
  readonly start: number;
  /** Offset just past it. */
  readonly end: number;
}

export interface PartitionExtent {
  readonly position: string;
  /** Starts of the Data blocks holding a byte of the record (length prefix included). */
  readonly dataBlocks: readonly number[];
  /** Start of the Index block holding its entry. */
  readonly indexBlock: number;
}

export interface Layout {
  readonly dataBlocks: readonly BlockExtent[];
  readonly indexBlocks: readonly BlockExtent[];
  readonly partitions: readonly PartitionExtent[];
}

const DATA_HEADER_BYTES = 16;
const INDEX_HEADER_BYTES = 12;

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
}

function blocks(file: Uint8Array, headerBytes: number): BlockExtent[] {
  const out: BlockExtent[] = [];
  for (let at = headerBytes; at < file.length; ) {
    const end = at + 12 + u32(file, at);
    out.push({ start: at, end });
    at = end;
  }
  if (out.at(-1)?.end !== file.length && file.length > headerBytes) throw new Error('blocks do not end at the end');
  return out;
}

export function readLayout(data: Uint8Array, index: Uint8Array): Layout {
  const dataBlocks = blocks(data, DATA_HEADER_BYTES);
  const indexBlocks = blocks(index, INDEX_HEADER_BYTES);
  expectMagic(data, 0x52545344);
  expectMagic(index, 0x52545349);
  const partitions: PartitionExtent[] = [];
  for (const block of indexBlocks) {
    let at = block.start + 8;
    const uvarint = (): number => {
      let value = 0;
      let scale = 1;
      for (;;) {
        const b = index[at++]!;
        value += (b & 0x7f) * scale;
        if (b < 0x80) return value;
        scale *= 0x80;
      }
    };
    for (let n = uvarint(); n > 0; n--) {
      const length = uvarint();
      let position = '';
      for (let i = 0; i < length; i++) position += String.fromCharCode(index[at++]!);
      const blockOffset = uvarint();
      const offsetInBlock = uvarint();
      partitions.push({
        position,
        dataBlocks: recordBlocks(data, dataBlocks, blockOffset, offsetInBlock),
        indexBlock: block.start,
      });
    }
  }
  return { dataBlocks, indexBlocks, partitions };
}

function expectMagic(file: Uint8Array, magic: number): void {
  if (u32(file, 0) !== magic) throw new Error(`bad magic ${u32(file, 0).toString(16)}`);
}

/** The blocks a record touches: its 4-byte length, then the body, across payloads. */
function recordBlocks(
  data: Uint8Array,
  all: readonly BlockExtent[],
  blockOffset: number,
  offsetInBlock: number,
): number[] {
  let i = all.findIndex((b) => b.start === blockOffset);
  if (i < 0) throw new Error(`no block at ${blockOffset}`);
  const touched: number[] = [];
  const lengthBytes: number[] = [];
  let want = 4;
  let at = offsetInBlock;
  let bodyLength = -1;
  for (;;) {
    const block = all[i]!;
    const payloadStart = block.start + 8;
    const payloadLength = block.end - 12 - block.start;
    touched.push(block.start);
    while (at < payloadLength && want > 0) {
      if (bodyLength < 0) lengthBytes.push(data[payloadStart + at]!);
      at++;
      want--;
      if (want === 0 && bodyLength < 0) {
        bodyLength =
          ((lengthBytes[0]! << 24) | (lengthBytes[1]! << 16) | (lengthBytes[2]! << 8) | lengthBytes[3]!) >>> 0;
        want = bodyLength;
      }
    }
    if (want === 0 && bodyLength >= 0) return touched;
    i++;
    at = 0;
  }
}
