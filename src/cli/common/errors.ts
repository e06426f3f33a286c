// What a failed command prints: one line a person understands, from any error the CLI meets.
import { OrdoApiError } from "../../client/ordo-client.js";
import { OUTAGE_RETRY_MS } from "./api.js";

/** A failure the command already phrased for people (bad flag, missing file, …). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export function describeError(e: unknown, apiUrl: string): string {
  // the client already retried for a while (common/api.ts): say what is wrong, not the server's sentence
  if (e instanceof OrdoApiError && e.code === "SERVICE_UNAVAILABLE") {
    return `the Ordo server's database is unavailable (the server at ${apiUrl} answered SERVICE_UNAVAILABLE for ${OUTAGE_RETRY_MS / 1000} s); try again later`;
  }
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
