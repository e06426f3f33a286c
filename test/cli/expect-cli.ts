// Assertions shared by the CLI tests: a command that worked, and one that failed the way a person
// needs (non-zero, one `ordo: …` line on stderr, nothing on stdout).
import { expect } from "vitest";
import type { CliResult } from "../harness/cli.js";

export function expectOk(r: CliResult): string {
  if (r.code !== 0) throw new Error(`expected exit 0, got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}

export function expectFailure(r: CliResult, reason: RegExp): void {
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ordo: /);
  expect(lines[0]).toMatch(reason);
  // no stack traces for people
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** `--help` exits 0 and lists what it should. */
export function expectHelp(r: CliResult, ...mentions: string[]): void {
  expectOk(r);
  expect(r.stdout).toMatch(/^Usage: ordo /);
  for (const m of mentions) expect(r.stdout).toContain(m);
}
