/**
 * A deliberately simple model of Cassandra's write and read semantics, written
 * independently of the engine's data model: every cell, row deletion, range
 * deletion and partition deletion is kept as written, and a read resolves
 * them from scratch. Tests compare the engine against it.
 */

export interface ModelCell {
  ts: number;
  /** undefined: a cell tombstone. */
  value: number | undefined;
  /** Written with a TTL. */
  expiring: boolean;
  expiresAtSec: number;
}

export interface ModelPartition {
  cells: Map<string, ModelCell>; // `${clustering}|${column}`
  liveness: Map<number, { ts: number; expiresAtSec: number }>;
  rowDeletions: Map<number, number>;
  rangeDeletions: Array<{ from: number; to: number; ts: number }>; // inclusive clustering bounds
  partitionDeletion: number;
}

/** The visible state of one partition: clustering → column → value. */
export type Visible = Map<number, Map<string, number | null>>;

export class Model {
  readonly partitions = new Map<number, ModelPartition>();

  private partition(key: number): ModelPartition {
    let p = this.partitions.get(key);
    if (p === undefined) {
      p = {
        cells: new Map(),
        liveness: new Map(),
        rowDeletions: new Map(),
        rangeDeletions: [],
        partitionDeletion: -Infinity,
      };
      this.partitions.set(key, p);
    }
    return p;
  }

  writeCell(key: number, clustering: number, column: string, cell: ModelCell): void {
    const cells = this.partition(key).cells;
    const id = `${clustering}|${column}`;
    const old = cells.get(id);
    if (old === undefined || wins(cell, old)) cells.set(id, cell);
  }

  writeLiveness(key: number, clustering: number, ts: number, expiresAtSec: number): void {
    const liveness = this.partition(key).liveness;
    const old = liveness.get(clustering);
    if (old === undefined || ts > old.ts || (ts === old.ts && expiresAtSec > old.expiresAtSec)) {
      liveness.set(clustering, { ts, expiresAtSec });
    }
  }

  deleteRow(key: number, clustering: number, ts: number): void {
    const d = this.partition(key).rowDeletions;
    d.set(clustering, Math.max(ts, d.get(clustering) ?? -Infinity));
  }

  deleteRange(key: number, from: number, to: number, ts: number): void {
    this.partition(key).rangeDeletions.push({ from, to, ts });
  }

  deletePartition(key: number, ts: number): void {
    const p = this.partition(key);
    p.partitionDeletion = Math.max(p.partitionDeletion, ts);
  }

  read(key: number, nowSec: number): Visible {
    const out: Visible = new Map();
    const p = this.partitions.get(key);
    if (p === undefined) return out;
    const deletionAt = (clustering: number) => {
      let d = Math.max(p.partitionDeletion, p.rowDeletions.get(clustering) ?? -Infinity);
      for (const r of p.rangeDeletions) if (r.from <= clustering && clustering <= r.to) d = Math.max(d, r.ts);
      return d;
    };
    const clusterings = new Set<number>([...p.liveness.keys()]);
    for (const id of p.cells.keys()) clusterings.add(Number(id.split('|')[0]));
    for (const clustering of clusterings) {
      const deleted = deletionAt(clustering);
      const row = new Map<string, number | null>();
      let exists = false;
      const live = p.liveness.get(clustering);
      if (live !== undefined && live.ts > deleted && nowSec < live.expiresAtSec) exists = true;
      for (const [id, cell] of p.cells) {
        const [c, column] = id.split('|');
        if (Number(c) !== clustering) continue;
        if (cell.value !== undefined && cell.ts > deleted && nowSec < cell.expiresAtSec) {
          row.set(column!, cell.value);
          exists = true;
        }
      }
      if (exists) out.set(clustering, row);
    }
    return out;
  }
}

/**
 * Cassandra's tie rules between two writes of one cell (since CASSANDRA-14592):
 * the later timestamp; then a tombstone; then a write with a TTL; then the
 * later expiry; then the greater value.
 */
function wins(a: ModelCell, b: ModelCell): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if ((a.value === undefined) !== (b.value === undefined)) return a.value === undefined;
  if (a.expiring !== b.expiring) return a.expiring;
  if (a.expiresAtSec !== b.expiresAtSec) return a.expiresAtSec > b.expiresAtSec;
  return a.value !== undefined && b.value !== undefined && a.value > b.value;
}
