/**
 * Collects the cells, liveness and tombstones a statement (or a whole batch)
 * writes, one draft per (table, partition) and per row, and turns them into
 * a codec Mutation with every list in the order the data model requires.
 * Two writes to one position keep the one Cassandra's reconciliation keeps.
 */
import {
  bytesToLatin1Key,
  type Cell,
  compareCellPosition,
  type DeletionTime,
  type LivenessInfo,
  laterDeletion,
  type Mutation,
  type PartitionUpdate,
  type RangeTombstone,
  type Row,
  reconcileCells,
} from '@ringtail/codec';

class RowDraft {
  liveness: LivenessInfo | undefined;
  deletion: DeletionTime | undefined;
  private readonly cells = new Map<string, Cell>();
  private readonly complexDeletions = new Map<string, DeletionTime>();

  constructor(readonly clustering: string) {}

  addCell(cell: Cell): void {
    const position = cell.path === undefined ? cell.column : `${cell.column}\0${cell.path}`;
    const previous = this.cells.get(position);
    this.cells.set(position, previous === undefined ? cell : reconcileCells(previous, cell));
  }

  deleteComplex(column: string, deletion: DeletionTime): void {
    this.complexDeletions.set(column, laterDeletion(this.complexDeletions.get(column), deletion)!);
  }

  setLiveness(liveness: LivenessInfo): void {
    const previous = this.liveness;
    if (previous === undefined || liveness.timestampMicros >= previous.timestampMicros) this.liveness = liveness;
  }

  delete(deletion: DeletionTime): void {
    this.deletion = laterDeletion(this.deletion, deletion);
  }

  isEmpty(): boolean {
    return (
      this.liveness === undefined &&
      this.deletion === undefined &&
      this.cells.size === 0 &&
      this.complexDeletions.size === 0
    );
  }

  build(): Row {
    const complexDeletions =
      this.complexDeletions.size === 0
        ? []
        : [...this.complexDeletions]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([column, deletion]) => ({ column, deletion }));
    const cells = [...this.cells.values()];
    if (cells.length > 1) cells.sort(compareCellPosition);
    return {
      clustering: this.clustering,
      liveness: this.liveness,
      deletion: this.deletion,
      cells,
      complexDeletions,
    };
  }
}

export type { RowDraft };

export class PartitionDraft {
  deletion: DeletionTime | undefined;
  private staticDraft: RowDraft | undefined;
  private readonly rows = new Map<string, RowDraft>();
  private readonly rangeTombstones: RangeTombstone[] = [];

  constructor(
    readonly tableId: string,
    readonly key: Uint8Array,
  ) {}

  row(clustering: string): RowDraft {
    let row = this.rows.get(clustering);
    if (row === undefined) {
      row = new RowDraft(clustering);
      this.rows.set(clustering, row);
    }
    return row;
  }

  staticRow(): RowDraft {
    this.staticDraft ??= new RowDraft('');
    return this.staticDraft;
  }

  deletePartition(deletion: DeletionTime): void {
    this.deletion = laterDeletion(this.deletion, deletion);
  }

  /** Adds `start <= c < end`; an empty range deletes nothing and is dropped. */
  deleteRange(start: string, end: string, deletion: DeletionTime): void {
    if (start < end) this.rangeTombstones.push({ start, end, deletion });
  }

  build(): PartitionUpdate {
    const drafts = [...this.rows.values()].filter((r) => !r.isEmpty());
    if (drafts.length > 1) {
      drafts.sort((a, b) => (a.clustering < b.clustering ? -1 : a.clustering > b.clustering ? 1 : 0));
    }
    const rows = drafts.map((r) => r.build());
    const rangeTombstones = [...this.rangeTombstones];
    if (rangeTombstones.length > 1) {
      rangeTombstones.sort((a, b) =>
        a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.end < b.end ? -1 : a.end > b.end ? 1 : 0,
      );
    }
    return {
      tableId: this.tableId,
      key: this.key,
      deletion: this.deletion,
      staticRow: this.staticDraft === undefined || this.staticDraft.isEmpty() ? undefined : this.staticDraft.build(),
      rows,
      rangeTombstones,
    };
  }
}

/** The builder's name for a partition: table id, then the key's latin1 form (their order is the mutation's). */
function draftId(tableId: string, key: Uint8Array): string {
  return `${tableId}\0${bytesToLatin1Key(key)}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class MutationBuilder {
  /**
   * Most statements write one partition: it is kept here, and the map (whose
   * keys cost a latin1 string of the key each) is made only for a second one.
   */
  private first: PartitionDraft | undefined;
  private partitions: Map<string, PartitionDraft> | undefined;

  partition(tableId: string, key: Uint8Array): PartitionDraft {
    const first = this.first;
    if (first === undefined) {
      this.first = new PartitionDraft(tableId, key);
      return this.first;
    }
    if (this.partitions === undefined) {
      if (first.tableId === tableId && sameBytes(first.key, key)) return first;
      this.partitions = new Map([[draftId(first.tableId, first.key), first]]);
    }
    const id = draftId(tableId, key);
    let draft = this.partitions.get(id);
    if (draft === undefined) {
      draft = new PartitionDraft(tableId, key);
      this.partitions.set(id, draft);
    }
    return draft;
  }

  /**
   * Updates sorted by table id, then partition key bytes, so equal inputs
   * give equal mutations. A partition a statement named but wrote nothing to
   * (`s = s + null`, an empty slice) is left out.
   */
  build(): Mutation {
    let drafts: PartitionDraft[];
    if (this.partitions !== undefined) {
      const partitions = this.partitions;
      drafts = [...partitions.keys()].sort().map((id) => partitions.get(id)!);
    } else {
      drafts = this.first === undefined ? [] : [this.first];
    }
    const updates: PartitionUpdate[] = [];
    for (const draft of drafts) {
      const u = draft.build();
      if (u.deletion !== undefined || u.staticRow !== undefined || u.rows.length > 0 || u.rangeTombstones.length > 0) {
        updates.push(u);
      }
    }
    return { updates };
  }
}
