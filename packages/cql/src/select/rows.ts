/**
 * What a read sees of one partition, decoded lazily: partition key and
 * clustering values from their byte-comparable encodings, cells from their
 * serialized values. A non-frozen collection is assembled from its element
 * cells: set elements and map keys are the cell paths (byte-comparable, so
 * already in CQL order), list elements are the cell values in path (timeuuid)
 * order; an empty collection reads as null, as in Cassandra.
 */
import { Buffer } from 'node:buffer';
import {
  type Cell,
  type CqlType,
  type CqlValue,
  decodeComparable,
  decodeComparableKey,
  deserializeValue,
  isMultiCell,
  type LiveRow,
} from '@ringtail/codec';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';

export function latin1Bytes(text: string): Uint8Array {
  // Clusterings and paths are short: a loop beats Buffer.from, and allocates less.
  if (text.length > 64) return new Uint8Array(Buffer.from(text, 'latin1'));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The cells of `column` among `cells` (sorted by column, then path); undefined when there are none. */
function cellsOfColumn(cells: readonly Cell[], column: string): readonly Cell[] | undefined {
  let start = 0;
  while (start < cells.length && cells[start]!.column !== column) start++;
  if (start === cells.length) return undefined;
  let end = start + 1;
  while (end < cells.length && cells[end]!.column === column) end++;
  return start === 0 && end === cells.length ? cells : cells.slice(start, end);
}

/** The value of `column` from its live cells (sorted by path); null when absent. */
export function cellsValue(type: CqlType, cells: readonly Cell[] | undefined): CqlValue | null {
  if (cells === undefined || cells.length === 0) return null;
  if (!isMultiCell(type)) {
    const cell = cells.find((c) => c.path === undefined);
    return cell?.value === undefined ? null : deserializeValue(type, cell.value);
  }
  const elements = cells.filter((c) => c.path !== undefined && c.value !== undefined);
  if (elements.length === 0) return null;
  switch (type.kind) {
    case 'set':
      return elements.map((c) => decodeComparable(type.element, latin1Bytes(c.path!)));
    case 'map':
      return elements.map(
        (c) => [decodeComparable(type.key, latin1Bytes(c.path!)), deserializeValue(type.value, c.value!)] as const,
      );
    case 'list':
      return elements.map((c) => deserializeValue(type.element, c.value!));
    default:
      return null;
  }
}

/** One partition as read at the request's time. */
export class PartitionView {
  private keyValues: readonly CqlValue[] | undefined;

  constructor(
    readonly table: TableMetadata,
    readonly key: Uint8Array,
    readonly staticRow: LiveRow | undefined,
  ) {}

  keyValue(column: ColumnMetadata): CqlValue {
    this.keyValues ??= decodeComparableKey(
      this.table.partitionKey.map((c) => ({ type: c.type, order: 'asc' })),
      this.key,
    );
    return this.keyValues[column.position]!;
  }
}

/**
 * One result row: a row of the partition, or (`row` undefined) the partition's
 * static data alone, with null clustering and regular columns. Values are
 * decoded when asked for, each time: most are asked for once.
 */
export class RowView {
  private clusteringValues: readonly CqlValue[] | undefined;

  constructor(
    readonly partition: PartitionView,
    readonly row: LiveRow | undefined,
  ) {}

  /** The row's clustering position; undefined for a partition's static data alone. */
  get clustering(): string | undefined {
    return this.row?.clustering;
  }

  /** The live cells holding `column`: the partition's static row for a static column, else this row. */
  private cellsHolding(column: ColumnMetadata): readonly Cell[] | undefined {
    return column.kind === 'static' ? this.partition.staticRow?.cells : this.row?.cells;
  }

  value(column: ColumnMetadata): CqlValue | null {
    switch (column.kind) {
      case 'partition_key':
        return this.partition.keyValue(column);
      case 'clustering': {
        if (this.row === undefined) return null;
        this.clusteringValues ??= decodeComparableKey(
          this.partition.table.clustering.map((c) => ({ type: c.type, order: c.clusteringOrder ?? 'asc' })),
          latin1Bytes(this.row.clustering),
        );
        return this.clusteringValues[column.position] ?? null;
      }
      default: {
        const cells = this.cellsHolding(column);
        return cells === undefined ? null : cellsValue(column.type, cellsOfColumn(cells, column.name));
      }
    }
  }

  /** The one cell of a simple (or frozen) column, for writetime() and ttl(). */
  simpleCell(column: ColumnMetadata): Cell | undefined {
    return this.cellsHolding(column)?.find((c) => c.column === column.name && c.path === undefined);
  }
}
