/**
 * Streaming xxhash64 of a whole component file, for its TOC line: Data and
 * Index are written (and verified) a block at a time, never held whole.
 * The codec exports only one-shot hashes, so this module compiles its own
 * instance of the same xxhash-wasm build; the results are the same function.
 */
import xxhash from 'xxhash-wasm';

type HashApi = Awaited<ReturnType<typeof xxhash>>;
export type FileHasher = ReturnType<HashApi['create64']>;

let api: Promise<HashApi> | undefined;

/** A fresh xxhash64 state (seed 0): `update` with the file's bytes in order, then `digest`. */
export async function createFileHasher(): Promise<FileHasher> {
  api ??= xxhash();
  return (await api).create64(0n);
}
