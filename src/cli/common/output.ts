// How commands print: tables for people, `--json` for scripts, progress on stderr so stdout stays parseable.
import Table from "cli-table3";
import type { Command } from "commander";

export interface OutputOptions {
  json?: boolean;
}

/** Adds the `--json` flag every listing/inspecting command has. */
export function withJsonOption(command: Command): Command {
  return command.option("--json", "print JSON instead of a table (for scripts)");
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export type Column<T> = [header: string, cell: (row: T) => unknown];

/** A table of rows for people, or the rows themselves as JSON with `--json`. */
export function printRows<T>(rows: T[], columns: Column<T>[], opts: OutputOptions, empty = "nothing to show"): void {
  if (opts.json) {
    printJson(rows);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  // one style for every command's headers: lower-case words ("work pool", "id")
  const table = new Table({ head: columns.map(([h]) => h.toLowerCase()), style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map(([, cell]) => formatCell(cell(row))));
  process.stdout.write(`${table.toString()}\n`);
}

/** One object as "key: value" lines for people, or as JSON with `--json`. */
export function printObject(value: Record<string, unknown>, opts: OutputOptions): void {
  if (opts.json) {
    printJson(value);
    return;
  }
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  for (const [k, v] of Object.entries(value)) {
    const text =
      v !== null && typeof v === "object"
        ? JSON.stringify(v, null, 2).replace(/\n/g, `\n${" ".repeat(width + 2)}`)
        : formatCell(v);
    process.stdout.write(`${k.padEnd(width)}  ${text}\n`);
  }
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(String).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Progress for long work (uploads, waiting for a run): on stderr, so `--json` output on stdout stays clean. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
