// SQLite's LIKE made to behave as PostgreSQL's, so Prisma's `contains` filters mean the same on
// both databases: case-sensitive (SQLite folds ASCII case), and a backslash escapes the next
// character (SQLite has no escape character unless the SQL says ESCAPE, which Prisma never writes,
// so `%` and `_` in a search could not be made literal). Registered on each connection the
// better-sqlite3 adapter opens, as an application-defined like() that replaces the built-in one.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { cacheStatements } from "./sqlite-statement-cache.js";

type Token = { kind: "any" } | { kind: "one" } | { kind: "char"; char: string };
interface Compiled {
  tokens: Token[];
  /** set when the pattern is `%literal%` (Prisma's `contains`): a plain substring test */
  substring: string | null;
}

const MAX_CACHED = 256;
const cache = new Map<string, Compiled>();

/** PostgreSQL's `value LIKE pattern [ESCAPE escape]`: `%` any run, `_` one character, both literal after the escape. */
export function likeMatches(pattern: string, value: string, escape = "\\"): boolean {
  const key = `${escape}\u0000${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, (compiled = compile(pattern, escape)));
  }
  if (compiled.substring !== null) return value.includes(compiled.substring);
  return matchTokens(compiled.tokens, Array.from(value));
}

function compile(pattern: string, escape: string): Compiled {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    // a trailing escape character stands for itself (PostgreSQL refuses the pattern instead)
    if (escape !== "" && c === escape && i + 1 < chars.length) tokens.push({ kind: "char", char: chars[++i]! });
    else if (c === "%") tokens.push({ kind: "any" });
    else if (c === "_") tokens.push({ kind: "one" });
    else tokens.push({ kind: "char", char: c });
  }
  const inner = tokens.slice(1, -1);
  const substring =
    tokens.length >= 2 &&
    tokens[0]!.kind === "any" &&
    tokens.at(-1)!.kind === "any" &&
    inner.every((t) => t.kind === "char")
      ? inner.map((t) => (t as { char: string }).char).join("")
      : null;
  return { tokens, substring };
}

/**
 * Wildcard matching with one backtrack point (the latest `%`): O(pattern × value) at worst, never
 * exponential, whatever the pattern.
 */
function matchTokens(tokens: Token[], chars: string[]): boolean {
  let p = 0;
  let s = 0;
  let star = -1;
  let resume = 0;
  while (s < chars.length) {
    const t = tokens[p];
    if (t && (t.kind === "one" || (t.kind === "char" && t.char === chars[s]))) {
      p++;
      s++;
    } else if (t?.kind === "any") {
      star = p++;
      resume = s;
    } else if (star >= 0) {
      p = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[p]?.kind === "any") p++;
  return p === tokens.length;
}

// SQL NULL in, NULL out; blobs never match (SQLITE_LIKE_DOESNT_MATCH_BLOBS, as better-sqlite3 builds it).
function like(pattern: unknown, value: unknown, escape: unknown): number | null {
  if (pattern === null || value === null || escape === null) return null;
  if (Buffer.isBuffer(pattern) || Buffer.isBuffer(value)) return 0;
  return likeMatches(String(pattern), String(value), String(escape)) ? 1 : 0;
}

export function registerPostgresLike(db: Pick<BetterSqlite3.Database, "function">): void {
  // two arities: `x LIKE y` calls like(y, x), `x LIKE y ESCAPE z` calls like(y, x, z)
  db.function("like", { deterministic: true }, (pattern: unknown, value: unknown) => like(pattern, value, "\\"));
  db.function("like", { deterministic: true }, (pattern: unknown, value: unknown, escape: unknown) =>
    like(pattern, value, escape),
  );
}

/** The better-sqlite3 adapter factory whose connections use registerPostgresLike and a statement cache. */
export class PostgresLikeSQLite3 extends PrismaBetterSQLite3 {
  override async connect(): Promise<Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>> {
    const adapter = await super.connect();
    // The adapter keeps its better-sqlite3 connection in `client` (not in its typings). Failing
    // here, at the first query, beats filters that quietly change meaning after an upgrade.
    const client = (adapter as unknown as { client?: Partial<BetterSqlite3.Database> }).client;
    if (typeof client?.function !== "function" || typeof client.prepare !== "function") {
      throw new Error(
        "@prisma/adapter-better-sqlite3 no longer exposes its connection: cannot register like() nor cache statements",
      );
    }
    registerPostgresLike(client as BetterSqlite3.Database);
    // the adapter prepares every query anew; sqlite-statement-cache.ts explains the reuse
    cacheStatements(client as BetterSqlite3.Database);
    return adapter;
  }
}
