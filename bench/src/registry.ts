import { checksumBench } from './benches/checksum.js';
import { commitlogBench } from './benches/commitlog.js';
import { gossipConvergenceBench } from './benches/gossip-convergence.js';
import { httpWriteBench } from './benches/http-write.js';
import { memtableStructuresBench } from './benches/memtable-structures.js';
import { memtableWriteBench } from './benches/memtable-write.js';
import { ringBalanceBench } from './benches/ring-balance.js';
import { ringLookupBench } from './benches/ring-lookup.js';
import { ringMovementBench } from './benches/ring-movement.js';
import { storageReadBench } from './benches/storage-read.js';
import { storageWriteBench } from './benches/storage-write.js';
import type { Bench } from './result.js';

/** Every benchmark, by name. `npm run bench -- NAME` runs one; no name runs all. */
export const benches: Bench[] = [
  checksumBench,
  commitlogBench,
  memtableStructuresBench,
  memtableWriteBench,
  ringBalanceBench,
  ringMovementBench,
  ringLookupBench,
  storageWriteBench,
  storageReadBench,
  gossipConvergenceBench,
  httpWriteBench,
];
