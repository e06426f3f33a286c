// SQLite's replaced like(): PostgreSQL's LIKE semantics, checked on the matcher and through SQL on
// an in-memory better-sqlite3 connection (both arities: plain LIKE and LIKE … ESCAPE).
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { likeMatches, registerPostgresLike } from "./sqlite-like.js";

describe("likeMatches", () => {
  it.each<[string, string, boolean]>([
    ["%a\\_b%", "xa_by", true],
    ["%a\\_b%", "xaxby", false],
    ["%\\%%", "50%", true],
    ["%\\%%", "50", false],
    ["%\\\\%", "a\\b", true],
    ["%Alpha%", "alpha", false], // case-sensitive, as PostgreSQL
    ["a_c", "abc", true],
    ["a_c", "a😀c", true], // one character, not one UTF-16 unit
    ["a%", "a", true],
    ["%", "", true],
    ["_", "", false],
    ["a%b%c", "aXbYc", true],
    ["a%b%c", "aXbY", false],
    ["x\\", "x\\", true], // a trailing escape stands for itself
  ])("%j matches %j: %s", (pattern, value, expected) => {
    expect(likeMatches(pattern, value)).toBe(expected);
  });

  it("is linear-ish on patterns that make backtracking matchers explode", () => {
    const started = performance.now();
    expect(likeMatches("%a%a%a%a%a%a%a%a%a%a%b", "a".repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("registerPostgresLike on a connection", () => {
  const db = new Database(":memory:");
  registerPostgresLike(db);
  db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a_b'), ('axb'), ('A_B'), ('50%'), (NULL)");
  const rows = (sql: string, ...args: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .all(...args);

  it("LIKE: backslash escapes, case matters, NULL stays NULL", () => {
    expect(rows("SELECT v FROM t WHERE v LIKE ? ORDER BY v", "%\\_%")).toEqual(["A_B", "a_b"]);
    expect(rows("SELECT v FROM t WHERE v LIKE ? ORDER BY v", "a_b")).toEqual(["a_b", "axb"]);
    expect(rows("SELECT v FROM t WHERE v LIKE ?", "%\\%")).toEqual(["50%"]);
    expect(rows("SELECT count(*) FROM t WHERE v LIKE ?", "%")).toEqual([4]);
  });

  it("LIKE … ESCAPE uses the given character", () => {
    expect(rows("SELECT v FROM t WHERE v LIKE ? ESCAPE '!'", "a!_b")).toEqual(["a_b"]);
  });
});
