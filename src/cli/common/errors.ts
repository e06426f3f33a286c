// What a failed command prints: one line a person understands, from any error the CLI meets.
import { OrdoApiError } from "../../client/ordo-client.js";

/** A failure the command already phrased for people (bad flag, missing file, …). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export function describeError(e: unknown, apiUrl: string): string {
  if (e instanceof OrdoApiError) {
    const where = e.field ? ` (${e.field})` : "";
    // the server's VALIDATION_FAILED message already lists its issues; add them only when it does not
    const list = e.errors.map((x) => `${x.path || "/"} ${x.message}`).join("; ");
    const details = list && !e.message.includes(list) ? `: ${list}` : "";
    return `${e.message}${where}${details}${e.code ? ` [${e.code}]` : ""}`;
  }
  // fetch() failing to connect says only "fetch failed"; the cause names the refused address
  if (e instanceof TypeError && e.message === "fetch failed") {
    return `cannot reach the Ordo server at ${apiUrl} (set ORDO_API_URL, or start one with \`ordo server start\`)`;
  }
  return e instanceof Error ? e.message : String(e);
}
