// `ordo version`: this CLI's version and schema checksum, the server it talks to (ORDO_API_URL) and,
// when that server answers, its version, schema checksum and database kind — with a warning when
// the two schemas differ. The client part always prints; the server part may be "unavailable".
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { CliServerInfoDocument, type CliServerInfoQuery } from "../client/generated/graphql.js";
import { OrdoApiError, OrdoClient } from "../client/ordo-client.js";
import { PACKAGE_ROOT, packageVersion } from "../installation.js";
import { apiUrl } from "./common/api.js";
import { describeError } from "./common/errors.js";
import { printJson, printObject, withJsonOption, type OutputOptions } from "./common/output.js";

/** A person is waiting: a server that accepted the connection but does not answer is given this long. */
const SERVER_WAIT_MS = 5000;

type ServerInfo = CliServerInfoQuery["serverInfo"];

/**
 * sha256 (hex) of the schema.graphql shipped in this package; the server hashes the same printed
 * text (src/graphql/modules/server-info.ts), so equal schemas give equal checksums. Line endings
 * are normalised: a checkout may have turned them into CRLF. Null when the file is missing.
 */
export function cliSchemaChecksum(root: string = PACKAGE_ROOT): string | null {
  let text: string;
  try {
    text = readFileSync(path.join(root, "schema.graphql"), "utf8");
  } catch {
    return null;
  }
  return createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");
}

class NoAnswer extends Error {}

/** Why the server part is missing, in one line. */
function unavailableReason(e: unknown, url: string): string {
  if (e instanceof NoAnswer) return `no answer from ${url} within ${SERVER_WAIT_MS / 1000} s`;
  if (e instanceof OrdoApiError && e.code === "SERVICE_UNAVAILABLE")
    return `the server at ${url} answered that its database is unavailable [SERVICE_UNAVAILABLE]`;
  if (e instanceof OrdoApiError && /Cannot query field "serverInfo"/.test(e.message))
    return `the server at ${url} has no serverInfo: it is older than this CLI`;
  return describeError(e, url);
}

/** The server's answer, or why there is none; `stalled` when a request may still be pending. */
async function askServer(url: string): Promise<{ info: ServerInfo | null; reason: string | null; stalled: boolean }> {
  // no retries: "unavailable" is an answer here, and waiting out an outage is not
  const client = new OrdoClient(url, { retryForMs: 0 });
  let timer: NodeJS.Timeout | undefined;
  const noAnswer = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer()), SERVER_WAIT_MS);
  });
  try {
    const { serverInfo } = await Promise.race([client.request(CliServerInfoDocument, {}), noAnswer]);
    return { info: serverInfo, reason: null, stalled: false };
  } catch (e) {
    return { info: null, reason: unavailableReason(e, url), stalled: e instanceof NoAnswer };
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}

const short = (checksum: string | null) =>
  checksum ? `sha256:${checksum.slice(0, 12)}` : "unknown (no schema.graphql in the package)";

export function registerVersionCommand(program: Command): void {
  withJsonOption(
    program
      .command("version")
      .description("this CLI's version and the server's (ORDO_API_URL), and whether their GraphQL schemas match")
      .addHelpText(
        "after",
        [
          "",
          "The CLI's part prints without the server. When the server cannot be reached",
          'or refuses the key, one "server  unavailable: <why>" line says so and the',
          "command still exits 0, as `prefect version` does (`kubectl version` exits 1",
          "instead); scripts read `server` (null then) and `serverUnavailable` from --json.",
          "`ordo --version` prints only the CLI's version.",
        ].join("\n"),
      ),
  ).action(async (opts: OutputOptions) => {
    const url = apiUrl();
    const client = { version: packageVersion(), schemaChecksum: cliSchemaChecksum() };
    const { info, reason, stalled } = await askServer(url);
    const schemaMatches = info && client.schemaChecksum ? info.schemaChecksum === client.schemaChecksum : null;
    if (opts.json) {
      printJson({ client, apiUrl: url, server: info, serverUnavailable: reason, schemaMatches });
    } else {
      printObject(
        {
          "client version": client.version,
          "client schema": short(client.schemaChecksum),
          "api url": url,
          ...(info
            ? {
                "server version": info.version,
                "server schema": short(info.schemaChecksum),
                "server database": info.database?.toLowerCase() ?? "unknown",
              }
            : { server: `unavailable: ${reason}` }),
        },
        {},
      );
    }
    if (schemaMatches === false) {
      process.stderr.write(
        `warning: this CLI (${client.version}) and the server (${info!.version}) have different GraphQL schemas: some commands may fail; use an ordo CLI of the server's version\n`,
      );
    }
    // a server that took the connection and never answered still holds it open: leave now
    if (stalled)
      await new Promise<void>((resolve) => process.stdout.write("", () => resolve())).then(() => process.exit(0));
  });
}
