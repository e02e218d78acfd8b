import { checksumBench } from './benches/checksum.js';
import { commitlogBench } from './benches/commitlog.js';
import { memtableStructuresBench } from './benches/memtable-structures.js';
import { memtableWriteBench } from './benches/memtable-write.js';
import type { Bench } from './result.js';

/** Every benchmark, by name. `npm run bench -- NAME` runs one; no name runs all. */
export const benches: Bench[] = [checksumBench, commitlogBench, memtableStructuresBench, memtableWriteBench];
