/**
 * What a memtable checks of an update before merging it in: the orderings the
 * merge relies on (rows by clustering, cells by position, collection
 * deletions by column — as the mutation codec checks of bytes it decodes),
 * and, in the same pass, the range of the update's timestamps.
 */
import {
  type Cell,
  compareCellPosition,
  type DeletionTime,
  ErrorCodes,
  type PartitionUpdate,
  RingtailError,
  type Row,
} from '@ringtail/codec';

function invalid(detail: string): never {
  throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `invalid partition update: ${detail}`);
}

/** Checks updates one at a time; after `check`, `min`/`maxTimestampMicros` bound the update's timestamps. */
export class UpdateChecker {
  minTimestampMicros = Number.MAX_SAFE_INTEGER;
  maxTimestampMicros = Number.MIN_SAFE_INTEGER;

  /** Throws RT_INVALID_ARGUMENT if `update` is not a well-formed update of table `tableId`. */
  check(update: PartitionUpdate, tableId: string): void {
    this.minTimestampMicros = Number.MAX_SAFE_INTEGER;
    this.maxTimestampMicros = Number.MIN_SAFE_INTEGER;
    if (update.tableId !== tableId) invalid(`table ${update.tableId} in the memtable of table ${tableId}`);
    if (!(update.key instanceof Uint8Array)) invalid('partition key is not a Uint8Array');
    if (update.deletion !== undefined) this.deletion(update.deletion);
    if (update.staticRow !== undefined) {
      if (update.staticRow.clustering !== '') invalid('static row with a clustering');
      this.row(update.staticRow);
    }
    const rows = update.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (i > 0 && rows[i - 1]!.clustering >= row.clustering) invalid('rows out of order');
      this.row(row);
    }
    for (const rt of update.rangeTombstones) {
      if (!(rt.start < rt.end)) invalid('empty range tombstone');
      this.deletion(rt.deletion);
    }
  }

  private row(row: Row): void {
    if (row.liveness !== undefined) this.timestamp(row.liveness.timestampMicros);
    if (row.deletion !== undefined) this.deletion(row.deletion);
    const complexDeletions = row.complexDeletions;
    for (let i = 0; i < complexDeletions.length; i++) {
      const d = complexDeletions[i]!;
      if (i > 0 && complexDeletions[i - 1]!.column >= d.column) invalid('collection deletions out of order');
      this.deletion(d.deletion);
    }
    const cells = row.cells;
    for (let i = 0; i < cells.length; i++) {
      const cell: Cell = cells[i]!;
      if (i > 0 && compareCellPosition(cells[i - 1]!, cell) >= 0) invalid('cells out of order');
      this.timestamp(cell.timestampMicros);
    }
  }

  private deletion(d: DeletionTime): void {
    this.timestamp(d.markedForDeleteAtMicros);
  }

  private timestamp(micros: number): void {
    if (!Number.isSafeInteger(micros)) invalid(`timestamp ${micros} is not a safe integer`);
    if (micros < this.minTimestampMicros) this.minTimestampMicros = micros;
    if (micros > this.maxTimestampMicros) this.maxTimestampMicros = micros;
  }
}
