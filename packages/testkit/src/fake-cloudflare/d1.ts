/**
 * The D1 half of the fake Cloudflare Workers API (workers.ts), test-only: databases an account
 * holds, each a real in-memory SQLite (better-sqlite3), so what wrangler's
 * `d1 migrations apply --remote` sends is really executed and its bookkeeping table
 * (`d1_migrations`) really kept. Shapes follow Cloudflare's API v4 reference ("D1 Database"):
 * `GET|POST /accounts/{account}/d1/database`, `GET …/d1/database/{uuid}`,
 * `POST …/d1/database/{uuid}/query` with `{sql, params}`.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

export interface FakeD1Database {
  uuid: string;
  name: string;
  created_at: string;
  version: 'production';
}

/** One statement (or batch) the query endpoint received, in order. */
export interface FakeD1Query {
  databaseId: string;
  sql: string;
}

interface QueryResult {
  results: unknown[];
  success: true;
  meta: { duration: number; changes: number; last_row_id: number; rows_read: number; rows_written: number; size_after: number; changed_db: boolean };
}

/** The D1 databases of the fake account and the SQL they received. */
export class FakeD1 {
  readonly databases = new Map<string, { info: FakeD1Database; sqlite: Database.Database }>();
  readonly queries: FakeD1Query[] = [];

  /** Make a database named `name`; null when one by that name exists (Cloudflare's 7502). */
  create(name: string): FakeD1Database | null {
    if (this.findByName(name)) return null;
    const info: FakeD1Database = { uuid: randomUUID(), name, created_at: new Date().toISOString(), version: 'production' };
    this.databases.set(info.uuid, { info, sqlite: new Database(':memory:') });
    return info;
  }

  findByName(name: string): FakeD1Database | undefined {
    return [...this.databases.values()].find((db) => db.info.name === name)?.info;
  }

  /** The tables of a database (for assertions), sorted. */
  tables(uuid: string): string[] {
    const db = this.databases.get(uuid);
    if (!db) return [];
    return (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
  }

  /**
   * Run `sql` on database `uuid` as D1's query endpoint does: one result per call here (a batch
   * of several statements answers one result with no rows).
   * @throws Error with SQLite's message when the SQL fails (the caller answers 400 code 7500)
   */
  query(uuid: string, sql: string, params: unknown[] = []): QueryResult[] {
    const db = this.databases.get(uuid);
    if (!db) throw new Error(`no database ${uuid}`);
    this.queries.push({ databaseId: uuid, sql });
    const meta = { duration: 1, changes: 0, last_row_id: 0, rows_read: 0, rows_written: 0, size_after: 0, changed_db: false };
    let statement: Database.Statement | null = null;
    try {
      statement = db.sqlite.prepare(sql);
    } catch (error) {
      if (!(error instanceof Error) || !/more than one statement/.test(error.message)) throw error;
    }
    if (statement === null) {
      db.sqlite.exec(sql);
      return [{ results: [], success: true, meta: { ...meta, changed_db: true } }];
    }
    if (statement.reader) {
      const rows = statement.all(...(params as unknown[]));
      return [{ results: rows, success: true, meta: { ...meta, rows_read: rows.length } }];
    }
    const info = statement.run(...(params as unknown[]));
    return [{ results: [], success: true, meta: { ...meta, changes: info.changes, last_row_id: Number(info.lastInsertRowid), rows_written: info.changes, changed_db: info.changes > 0 } }];
  }

  close(): void {
    for (const db of this.databases.values()) db.sqlite.close();
  }
}
