/**
 * The results of a DSE folder: one SQLite file (<out>/results.sqlite, better-sqlite3) keyed by point
 * id, written by the local and the queued executor alike. dse.csv and pareto.csv are exports of it
 * (run.ts), so a sweep resumes by skipping the ids stored as done, and a different sweep into the
 * same folder adds its points beside the earlier ones. The schema is documented in docs/scale-out.md;
 * the `results` view is meant for the sqlite3 command line.
 */
import Database from 'better-sqlite3';
import type { DseRow } from './evaluate.ts';
import type { SweepValue } from './space.ts';

/** Bumped when a table changes shape; a file of another version is refused, not misread. */
export const STORE_SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS points (
  id          TEXT PRIMARY KEY,      -- point id: content hash of network setting, hardware, technology, tool version
  status      TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  network_key TEXT,                  -- content hash of the network setting (names the spike trace)
  row_json    TEXT,                  -- the evaluated row (src/dse/evaluate.ts DseRow) as JSON; NULL when failed
  error       TEXT,                  -- why the point failed (last attempt); NULL when done
  attempts    INTEGER NOT NULL,      -- evaluations tried (1 for a local run)
  finished_at TEXT NOT NULL          -- ISO 8601 time the result was stored
);
CREATE TABLE IF NOT EXISTS sweeps (
  id         TEXT PRIMARY KEY,       -- content hash of the sweep's ordered point ids
  seq        INTEGER NOT NULL UNIQUE,-- order in which sweeps first ran into this folder
  axes_json  TEXT NOT NULL,          -- the swept axes [{key, values}]
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sweep_points (
  sweep TEXT NOT NULL REFERENCES sweeps(id),
  ord   INTEGER NOT NULL,            -- the point's place in its sweep (cartesian order of the axes)
  point TEXT NOT NULL,
  PRIMARY KEY (sweep, ord)
);
CREATE VIEW IF NOT EXISTS results AS
SELECT p.id AS id,
       json_extract(p.row_json, '$.values')     AS swept,
       p.network_key                            AS network_key,
       json_extract(p.row_json, '$.accuracy')   AS accuracy,
       json_extract(p.row_json, '$.energyPJ')   AS energy_pJ,
       json_extract(p.row_json, '$.latencyS')   AS latency_s,
       json_extract(p.row_json, '$.cycles')     AS cycles,
       json_extract(p.row_json, '$.edpPJs')     AS edp_pJs,
       json_extract(p.row_json, '$.areaMm2')    AS area_mm2,
       json_extract(p.row_json, '$.dramBytes')  AS dram_bytes,
       json_extract(p.row_json, '$.bottleneck') AS bottleneck,
       p.finished_at                            AS finished_at
FROM points p WHERE p.status = 'done';
`;

/** A stored failure: the point's id, its last error and how many attempts were made. */
export interface FailedPoint {
  id: string;
  error: string;
  attempts: number;
}

export interface SweepRecord {
  id: string;
  axes: { key: string; values: SweepValue[] }[];
  /** Point ids in sweep order. */
  points: string[];
}

/**
 * JSON has no NaN, Infinity or -0 (a twin the hardware cannot run reports NaN energy): they are
 * stored as {"$number": "NaN"} and read back as numbers, so a row round-trips exactly.
 */
const NON_FINITE = '$number';
export function encodeRow(row: DseRow): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? { [NON_FINITE]: Object.is(v, -0) ? '-0' : String(v) } : v));
}
export function decodeRow(json: string): DseRow {
  return JSON.parse(json, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === NON_FINITE) return Number((v as Record<string, string>)[NON_FINITE]);
    }
    return v;
  }) as DseRow;
}

export class ResultStore {
  private readonly db: Database.Database;

  constructor(readonly file: string) {
    this.db = new Database(file);
    // WAL: readers (the sqlite3 CLI, an export) never block the writer; a killed writer loses at
    // most the transaction in flight. A busy timeout lets a second process wait for the lock.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== STORE_SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`${file}: results store schema version ${version}, this stcsim reads version ${STORE_SCHEMA_VERSION}`);
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
  }

  /** Ids of the points stored as done (resuming skips them). */
  doneIds(): Set<string> {
    return new Set((this.db.prepare(`SELECT id FROM points WHERE status = 'done'`).pluck().all() as string[]));
  }

  /** The stored rows of `ids` that are done, by id. */
  rows(ids: readonly string[]): Map<string, DseRow> {
    const get = this.db.prepare(`SELECT row_json FROM points WHERE id = ? AND status = 'done'`).pluck();
    const out = new Map<string, DseRow>();
    for (const id of ids) {
      const json = get.get(id) as string | undefined;
      if (json !== undefined) out.set(id, decodeRow(json));
    }
    return out;
  }

  /** Stores finished rows in one transaction (a done row replaces an earlier failure of the same point). */
  putRows(rows: readonly { row: DseRow; attempts?: number }[]): void {
    const put = this.db.prepare(`INSERT INTO points (id, status, network_key, row_json, error, attempts, finished_at)
      VALUES (@id, 'done', @networkKey, @json, NULL, @attempts, @at)
      ON CONFLICT (id) DO UPDATE SET status = 'done', network_key = excluded.network_key, row_json = excluded.row_json,
        error = NULL, attempts = excluded.attempts, finished_at = excluded.finished_at`);
    const at = new Date().toISOString();
    this.db.transaction(() => {
      for (const { row, attempts } of rows) put.run({ id: row.id, networkKey: row.networkKey, json: encodeRow(row), attempts: attempts ?? 1, at });
    })();
  }

  /** Records points that failed for good; a point already done stays done. */
  putFailed(failed: readonly FailedPoint[]): void {
    const put = this.db.prepare(`INSERT INTO points (id, status, network_key, row_json, error, attempts, finished_at)
      VALUES (@id, 'failed', NULL, NULL, @error, @attempts, @at)
      ON CONFLICT (id) DO UPDATE SET error = excluded.error, attempts = excluded.attempts, finished_at = excluded.finished_at
      WHERE points.status = 'failed'`);
    const at = new Date().toISOString();
    this.db.transaction(() => {
      for (const f of failed) put.run({ ...f, at });
    })();
  }

  failed(ids?: ReadonlySet<string>): FailedPoint[] {
    const all = this.db.prepare(`SELECT id, error, attempts FROM points WHERE status = 'failed' ORDER BY id`).all() as FailedPoint[];
    return ids ? all.filter((f) => ids.has(f.id)) : all;
  }

  /** Registers a sweep (idempotent: the same points in the same order are the same sweep). */
  addSweep(s: SweepRecord): void {
    const exists = this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(s.id);
    if (exists) return;
    this.db.transaction(() => {
      const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM sweeps').pluck().get() as number);
      this.db.prepare('INSERT INTO sweeps (id, seq, axes_json, created_at) VALUES (?, ?, ?, ?)').run(s.id, seq, JSON.stringify(s.axes), new Date().toISOString());
      const put = this.db.prepare('INSERT INTO sweep_points (sweep, ord, point) VALUES (?, ?, ?)');
      s.points.forEach((p, i) => put.run(s.id, i, p));
    })();
  }

  /** Every sweep run into this folder, oldest first, with its points in order. */
  sweeps(): SweepRecord[] {
    const list = this.db.prepare('SELECT id, axes_json FROM sweeps ORDER BY seq').all() as { id: string; axes_json: string }[];
    const pts = this.db.prepare('SELECT point FROM sweep_points WHERE sweep = ? ORDER BY ord').pluck();
    return list.map((s) => ({ id: s.id, axes: JSON.parse(s.axes_json) as SweepRecord['axes'], points: pts.all(s.id) as string[] }));
  }

  /**
   * Copies the points (and sweeps) of another store file into this one, keyed by point id: a done
   * row wins over a failure, an existing done row is kept. Returns the number of points added or updated.
   */
  merge(other: string): number {
    this.db.prepare('ATTACH DATABASE ? AS other').run(other);
    try {
      return this.db.transaction(() => {
        const changed = this.db.prepare(`
          INSERT INTO points SELECT * FROM other.points WHERE true
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, network_key = excluded.network_key, row_json = excluded.row_json,
              error = excluded.error, attempts = excluded.attempts, finished_at = excluded.finished_at
            WHERE points.status = 'failed' AND excluded.status = 'done'
        `).run().changes;
        const mine = new Set(this.sweeps().map((s) => s.id));
        const theirs = this.db.prepare('SELECT id, axes_json FROM other.sweeps ORDER BY seq').all() as { id: string; axes_json: string }[];
        const pts = this.db.prepare('SELECT point FROM other.sweep_points WHERE sweep = ? ORDER BY ord').pluck();
        for (const s of theirs) {
          if (!mine.has(s.id)) this.addSweep({ id: s.id, axes: JSON.parse(s.axes_json) as SweepRecord['axes'], points: pts.all(s.id) as string[] });
        }
        return changed;
      })();
    } finally {
      this.db.prepare('DETACH DATABASE other').run();
    }
  }

  close(): void {
    this.db.close();
  }
}
