// Prepared statements kept per SQLite connection: @prisma/adapter-better-sqlite3 (6.19) calls
// better-sqlite3's prepare() for every query, and compiling the SQL was ~5% of a read's CPU. Prisma
// writes the same few hundred SQL texts over and over, so an LRU keyed by the text reuses them.
//
// The adapter does `prepare(sql).bind(args)`, then `.reader`, `.columns()` and `.raw().all()`, or
// `.run()`. A better-sqlite3 statement binds only once and keeps its raw mode, so a cached one is
// handed out as a view that passes the arguments at each call instead. Its column list is read
// after the rows: a statement prepared before another connection changed the schema is compiled
// again by SQLite when it next steps, so metadata read before stepping could be stale (`SELECT *`).
// A statement whose execution fails is dropped from the cache, so an error never sticks to a text.
// Long texts are not kept: they are one-off statements with their values written in (the
// scheduler's bulk inserts), which would push the hot reads out and hold their memory.
import type BetterSqlite3 from "better-sqlite3";

type Statement = BetterSqlite3.Statement<unknown[], unknown>;
type Prepare = (sql: string) => Statement;

/** What the adapter uses of a statement bound to its arguments. */
export interface BoundStatement {
  readonly reader: boolean;
  columns(): BetterSqlite3.ColumnDefinition[];
  raw(): { all(): unknown[][] };
  run(): BetterSqlite3.RunResult;
}

/** What the adapter uses of a prepared statement. */
export interface CachedStatement {
  readonly reader: boolean;
  bind(args: unknown[]): BoundStatement;
  run(...args: unknown[]): BetterSqlite3.RunResult;
}

export class StatementCache {
  /** Map order is recency order: the first key is the least recently used */
  private readonly statements = new Map<string, Statement>();
  /** prepare() calls that compiled SQL (misses), for tests and curiosity */
  compiled = 0;

  constructor(
    private readonly prepareUncached: Prepare,
    readonly maxSize: number,
  ) {
    if (!(maxSize >= 1)) throw new Error(`statement cache size must be at least 1, got ${maxSize}`);
  }

  get size(): number {
    return this.statements.size;
  }

  has(sql: string): boolean {
    return this.statements.has(sql);
  }

  /** The statement for `sql`, compiled on a miss; a text that does not compile, or a long one, is not kept. */
  statement(sql: string): Statement {
    if (sql.length > MAX_CACHED_SQL_LENGTH) {
      this.compiled++;
      return this.prepareUncached(sql);
    }
    const cached = this.statements.get(sql);
    if (cached) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const stmt = this.prepareUncached(sql);
    this.compiled++;
    this.statements.set(sql, stmt);
    if (this.statements.size > this.maxSize) this.statements.delete(this.statements.keys().next().value!);
    return stmt;
  }

  /** Drops `sql`'s statement if it is still `stmt` (a newer one may have replaced it). */
  forget(sql: string, stmt: Statement): void {
    if (this.statements.get(sql) === stmt) this.statements.delete(sql);
  }

  clear(): void {
    this.statements.clear();
  }

  /** A statement view for the adapter: the cached statement, with its arguments passed per call. */
  prepare(sql: string): CachedStatement {
    const stmt = this.statement(sql);
    const guarded = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        this.forget(sql, stmt);
        throw e;
      }
    };
    return {
      reader: stmt.reader,
      bind: (args) => {
        let rows: unknown[][] | undefined;
        const all = () => (rows ??= guarded(() => stmt.raw(true).all(args) as unknown[][]));
        return {
          reader: stmt.reader,
          columns: () => {
            all();
            return stmt.columns();
          },
          raw: () => ({ all }),
          run: () => guarded(() => stmt.run(args)),
        };
      },
      run: (...args) => guarded(() => stmt.run(...args)),
    };
  }
}

export const DEFAULT_STATEMENT_CACHE_SIZE = 256;
/** characters: Prisma's longest model queries are a few thousand */
export const MAX_CACHED_SQL_LENGTH = 16_384;

const caches = new WeakMap<object, StatementCache>();

/** The cache cacheStatements put on `db`, if any. */
export function statementCacheOf(db: object): StatementCache | undefined {
  return caches.get(db);
}

/**
 * Makes `db.prepare` answer from a statement cache (for the Prisma adapter, which is its only
 * caller on that connection). Returns the cache.
 */
export function cacheStatements(db: BetterSqlite3.Database, maxSize = DEFAULT_STATEMENT_CACHE_SIZE): StatementCache {
  const cache = new StatementCache(db.prepare.bind(db) as Prepare, maxSize);
  (db as unknown as { prepare: (sql: string) => CachedStatement }).prepare = (sql) => cache.prepare(sql);
  caches.set(db, cache);
  return cache;
}
