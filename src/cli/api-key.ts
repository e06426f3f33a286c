// `ordo api-key`: create keys for workers, CI and people (the key is printed once), list, revoke,
// and `whoami` — which key this shell uses and what it may do. Managing keys needs the admin scope.
import type { Command } from "commander";
import {
  type ApiKeyScope,
  CliApiKeysDocument,
  CliCreateApiKeyDocument,
  CliRevokeApiKeyDocument,
  CliViewerDocument,
} from "../client/generated/graphql.js";
import { withClient } from "./common/api.js";
import { CliError } from "./common/errors.js";
import { printJson, printObject, printRows, withJsonOption, type OutputOptions } from "./common/output.js";
import { formatTime } from "./display.js";

const SCOPES = ["read", "run", "worker", "write", "admin"];
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** `30d`, `12h`, `90m`, `2w`, or an ISO date; the moment the key stops working. */
export function parseExpiry(raw: string, now = new Date()): Date {
  const m = /^(\d{1,6})([mhdw])$/.exec(raw.trim());
  if (m) return new Date(now.getTime() + Number(m[1]) * UNIT_SECONDS[m[2]!]! * 1000);
  const at = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new CliError(`--expires takes a duration such as 30d, 12h, 90m, 2w, or an ISO date; not "${raw}"`);
  return at;
}

function scopeOf(raw: string): ApiKeyScope {
  const s = raw.toLowerCase();
  if (!SCOPES.includes(s)) throw new CliError(`--scope must be one of ${SCOPES.join(", ")}, not "${raw}"`);
  return s.toUpperCase() as ApiKeyScope;
}

export function registerApiKeyCommands(program: Command): void {
  const keys = program
    .command("api-key")
    .description("API keys and their scopes: read, run, worker, write, admin (managing keys needs admin)");

  withJsonOption(
    keys
      .command("create")
      .description("create a key and print it once: store it where the worker or job reads ORDO_API_KEY")
      .argument("<name>", "a name to recognise the key by (unique)")
      .requiredOption("-s, --scope <scope...>", `one or more of ${SCOPES.join(", ")}`)
      .option("--expires <when>", "stop working after a duration (30d, 12h, 90m, 2w) or at an ISO date"),
  ).action((name: string, opts: OutputOptions & { scope: string[]; expires?: string }) =>
    withClient(async (client) => {
      const input = {
        name,
        scopes: opts.scope.map(scopeOf),
        expiresAt: opts.expires ? parseExpiry(opts.expires).toISOString() : null,
      };
      const { createApiKey: created } = await client.request(CliCreateApiKeyDocument, { input });
      if (opts.json) return printJson({ id: created.id, name, key: created.key });
      process.stderr.write(
        `Created API key "${name}" (${input.scopes.join(", ").toLowerCase()}). It is shown only now:\n`,
      );
      process.stdout.write(`${created.key}\n`);
    }),
  );

  withJsonOption(
    keys.command("ls").description("list keys: name, scopes, last use, expiry, revocation (never the keys)"),
  ).action((opts: OutputOptions) =>
    withClient(async (client) => {
      const { apiKeys } = await client.request(CliApiKeysDocument, {});
      printRows(
        apiKeys,
        [
          ["name", (k) => k.name],
          ["key", (k) => `${k.prefix}…`],
          ["scopes", (k) => k.scopes.join(", ").toLowerCase()],
          ["last used", (k) => formatTime(k.lastUsed) || "never"],
          ["expires", (k) => formatTime(k.expires) || "never"],
          ["revoked", (k) => formatTime(k.revoked) || ""],
        ],
        opts,
        "no API keys",
      );
    }),
  );

  withJsonOption(
    keys
      .command("revoke")
      .description("revoke a key: refused from its next request on, its subscriptions end")
      .argument("<name-or-id>"),
  ).action((idOrName: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const { revokeApiKey: k } = await client.request(CliRevokeApiKeyDocument, { id: idOrName });
      if (opts.json) return printJson(k);
      process.stdout.write(`Revoked API key "${k.name}"\n`);
    }),
  );

  withJsonOption(
    keys
      .command("whoami")
      .description("the key this shell sends (ORDO_API_KEY, else $ORDO_HOME/api-key) and its scopes"),
  ).action((opts: OutputOptions) =>
    withClient(async (client) => {
      const { viewer } = await client.request(CliViewerDocument, {});
      printObject(
        {
          key: viewer.name,
          scopes: viewer.scopes.join(", ").toLowerCase(),
          auth: viewer.authEnabled ? "on" : "off (ORDO_AUTH=off)",
        },
        opts,
      );
    }),
  );
}
