// The per-connection statement cache: reuse, the LRU bound, schema changes made by another
// connection, failing statements; and through the Prisma adapter itself, which must keep calling
// prepare() the way the cache's statement view expects.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { PostgresLikeSQLite3 } from "./sqlite-like.js";
import { MAX_CACHED_SQL_LENGTH, StatementCache, cacheStatements, statementCacheOf } from "./sqlite-statement-cache.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "ordo-stmt-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** Two connections to one fresh file: `db` with the cache (as the adapter's), `other` without. */
function connections(maxSize = 8) {
  const file = path.join(dir, `t${n++}.db`);
  const db = new Database(file);
  const other = new Database(file);
  let prepares = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepares++;
    return prepare(sql);
  }) as typeof db.prepare;
  const cache = cacheStatements(db, maxSize);
  db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT)");
  /** as the adapter runs a query: prepare, bind, columns, then the raw rows */
  const query = (sql: string, args: unknown[] = []) => {
    const stmt = db.prepare(sql).bind(args) as unknown as {
      columns(): Array<{ name: string }>;
      raw(): { all(): unknown[][] };
    };
    const columns = stmt.columns().map((c) => c.name);
    return { columns, rows: stmt.raw().all() };
  };
  const execute = (sql: string, args: unknown[] = []) =>
    (db.prepare(sql).bind(args) as unknown as { run(): { changes: number } }).run().changes;
  return { db, other, cache, query, execute, prepares: () => prepares };
}

describe("StatementCache", () => {
  it("prepares a text once and reuses it with other arguments", () => {
    const c = connections();
    expect(c.execute("INSERT INTO t (x, y) VALUES (?, ?)", [1, "a"])).toBe(1);
    expect(c.execute("INSERT INTO t (x, y) VALUES (?, ?)", [2, "b"])).toBe(1);
    const before = c.prepares();
    expect(c.query("SELECT y FROM t WHERE x = ?", [1]).rows).toEqual([["a"]]);
    expect(c.query("SELECT y FROM t WHERE x = ?", [2]).rows).toEqual([["b"]]);
    expect(c.query("SELECT y FROM t WHERE x = ?", [3]).rows).toEqual([]);
    expect(c.prepares() - before).toBe(1);
    expect(c.cache.compiled).toBe(2);
  });

  it("keeps at most maxSize statements, dropping the least recently used", () => {
    const c = connections(2);
    c.query("SELECT 1");
    c.query("SELECT 2");
    c.query("SELECT 1"); // now the most recent
    c.query("SELECT 3");
    expect(c.cache.size).toBe(2);
    expect(c.cache.has("SELECT 1")).toBe(true);
    expect(c.cache.has("SELECT 2")).toBe(false);
    expect(c.cache.has("SELECT 3")).toBe(true);
    const before = c.prepares();
    expect(c.query("SELECT 2").rows).toEqual([[2]]);
    expect(c.prepares() - before).toBe(1);
    expect(c.cache.size).toBe(2);
  });

  it("does not keep a long one-off text, so it cannot push the hot ones out", () => {
    const c = connections(2);
    c.query("SELECT 1");
    // as the scheduler's bulk inserts: values written into the text
    const long = `SELECT count(*) FROM (VALUES ${Array.from({ length: 3000 }, (_, i) => `(${i})`).join(", ")})`;
    expect(long.length).toBeGreaterThan(MAX_CACHED_SQL_LENGTH);
    const before = c.prepares();
    expect(c.query(long).rows).toEqual([[3000]]);
    expect(c.query(long).rows).toEqual([[3000]]);
    expect(c.prepares() - before).toBe(2);
    expect(c.cache.has(long)).toBe(false);
    expect(c.cache.size).toBe(1);
    expect(c.cache.has("SELECT 1")).toBe(true);
  });

  it("follows a schema change made by another connection, columns included", () => {
    const c = connections();
    c.execute("INSERT INTO t (x, y) VALUES (?, ?)", [1, "a"]);
    expect(c.query("SELECT * FROM t")).toEqual({ columns: ["x", "y"], rows: [[1, "a"]] });
    c.other.exec("ALTER TABLE t ADD COLUMN z TEXT DEFAULT 'zz'");
    expect(c.query("SELECT * FROM t")).toEqual({ columns: ["x", "y", "z"], rows: [[1, "a", "zz"]] });
    c.other.exec("DROP TABLE t; CREATE TABLE t (q TEXT); INSERT INTO t VALUES ('new')");
    expect(c.query("SELECT * FROM t")).toEqual({ columns: ["q"], rows: [["new"]] });
  });

  it("does not keep a text that fails to compile, and drops a statement whose run failed", () => {
    const c = connections();
    expect(() => c.query("SELEC nonsense")).toThrow();
    expect(c.cache.has("SELEC nonsense")).toBe(false);

    const insert = "INSERT INTO t (x, y) VALUES (?, ?)";
    c.execute(insert, [1, "a"]);
    expect(() => c.execute(insert, [1, "again"])).toThrow(/UNIQUE/);
    expect(c.cache.has(insert)).toBe(false);
    expect(c.execute(insert, [2, "b"])).toBe(1);
    expect(c.query("SELECT x, y FROM t ORDER BY x").rows).toEqual([
      [1, "a"],
      [2, "b"],
    ]);

    const select = "SELECT y FROM t WHERE x = ?";
    expect(c.query(select, [1]).rows).toEqual([["a"]]);
    c.other.exec("DROP TABLE t");
    expect(() => c.query(select, [1])).toThrow(/no such table/);
    expect(c.cache.has(select)).toBe(false);
    c.other.exec("CREATE TABLE t (x INTEGER, y TEXT); INSERT INTO t VALUES (1, 'back')");
    expect(c.query(select, [1]).rows).toEqual([["back"]]);
  });

  it("refuses a size below one", () => {
    expect(() => new StatementCache(() => null as never, 0)).toThrow(/at least 1/);
  });
});

describe("through @prisma/adapter-better-sqlite3", () => {
  let file: string;
  beforeEach(() => {
    file = path.join(dir, `adapter${n++}.db`);
  });

  it("the adapter's queries and transactions reuse cached statements", async () => {
    const adapter = await new PostgresLikeSQLite3({ url: `file:${file}` }).connect();
    const cache = statementCacheOf((adapter as unknown as { client: object }).client);
    expect(cache).toBeDefined();
    const compiled = () => cache!.compiled;
    try {
      await adapter.executeScript("CREATE TABLE d (id TEXT PRIMARY KEY, n INTEGER, at DATETIME)");
      const insert = {
        sql: "INSERT INTO d (id, n) VALUES (?, ?)",
        argTypes: [
          { scalarType: "string", arity: "scalar" },
          { scalarType: "int", arity: "scalar" },
        ],
      } as const;
      expect(await adapter.executeRaw({ ...insert, args: ["a", 1] } as never)).toBe(1);
      expect(await adapter.executeRaw({ ...insert, args: ["b", "2"] } as never)).toBe(1);
      const select = {
        sql: "SELECT id, n FROM d WHERE id LIKE ? ORDER BY id",
        argTypes: [{ scalarType: "string", arity: "scalar" }],
      } as const;
      const first = await adapter.queryRaw({ ...select, args: ["%"] } as never);
      expect(first.columnNames).toEqual(["id", "n"]);
      // (the adapter reads integers as bigints and hands them to Prisma as text)
      expect(first.rows).toEqual([
        ["a", "1"],
        ["b", "2"],
      ]);
      const tx = await adapter.startTransaction();
      await tx.executeRaw({ ...insert, args: ["c", 3] } as never);
      await tx.executeRaw({ sql: "COMMIT", args: [], argTypes: [] } as never);
      await tx.commit();
      const second = await adapter.queryRaw({ ...select, args: ["c"] } as never);
      expect(second.rows).toEqual([["c", "3"]]);
      // a constraint error surfaces as the adapter's error, and the text works afterwards
      await expect(adapter.executeRaw({ ...insert, args: ["a", 9] } as never)).rejects.toMatchObject({
        cause: { kind: "UniqueConstraintViolation" },
      });
      expect(await adapter.executeRaw({ ...insert, args: ["d", 4] } as never)).toBe(1);
      // INSERT twice, SELECT, BEGIN, COMMIT; then INSERT again after its failure
      expect(compiled()).toBe(5);
    } finally {
      await adapter.dispose();
    }
  });
});
