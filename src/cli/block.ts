// `ordo block`: block types from the server's plugins, and block documents (configured
// storage/infrastructure blocks): list, inspect with secrets masked, create, delete; and checking
// a plugin package before the server loads it.
import type { Command } from "commander";
import {
  CliBlockDocumentDocument,
  CliBlockDocumentsDocument,
  CliBlockTypesDocument,
  CliCreateBlockDocumentDocument,
  CliDeleteBlockDocumentDocument,
  CliReplaceBlockDocumentDocument,
  type CliBlockDocumentRowFragment,
} from "../client/generated/graphql.js";
import type { OrdoClient } from "../client/ordo-client.js";
import { withClient } from "./common/api.js";
import { allNodes } from "./common/connections.js";
import { CliError } from "./common/errors.js";
import { parseJson } from "./common/options.js";
import { printJson, printObject, printRows, withJsonOption, type OutputOptions } from "./common/output.js";
import { readDataFile } from "./data-file.js";
import { formatTime } from "./display.js";

export function registerBlockCommands(program: Command): void {
  const block = program
    .command("block")
    .description(
      "blocks: typed, validated configuration (storage, infrastructure…) whose secret fields are encrypted on the server",
    );

  withJsonOption(
    block
      .command("ls")
      .description("list block documents (named blocks)")
      .option("--type <slug>", "only blocks of this block type"),
  ).action((opts: OutputOptions & { type?: string }) =>
    withClient(async (client) => {
      const docs = await allDocuments(client, opts.type);
      printRows(
        docs,
        [
          ["id", (d) => d.id],
          ["type", (d) => d.blockType.slug],
          ["name", (d) => d.name],
          ["updated", (d) => formatTime(d.updated)],
        ],
        opts,
        "no blocks",
      );
    }),
  );

  withJsonOption(
    block
      .command("types")
      .description("list the block types the server's plugins provide")
      .option(
        "--capability <name>",
        "only types with this capability (read-path, put-directory, run-infrastructure, …)",
      ),
  ).action((opts: OutputOptions & { capability?: string }) =>
    withClient(async (client) => {
      const { blockTypes } = await client.request(CliBlockTypesDocument, {});
      const rows = opts.capability
        ? blockTypes.filter((t) => t.latestSchema.capabilities.includes(opts.capability!))
        : blockTypes;
      printRows(
        rows,
        [
          ["slug", (t) => t.slug],
          ["capabilities", (t) => t.latestSchema.capabilities],
          ["plugin", (t) => t.plugin],
          ["description", (t) => t.description],
        ],
        opts,
        opts.capability ? `no block type has the capability "${opts.capability}"` : "no block types",
      );
    }),
  );

  withJsonOption(
    block
      .command("inspect")
      .description("show one block document; secret fields are shown as ********")
      .argument("<type/name>", "the block's slug (or its id)"),
  ).action((ref: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const doc = await findDocument(client, ref);
      if (opts.json) return printJson(doc);
      printObject(
        {
          id: doc.id,
          slug: doc.slug,
          type: doc.blockType.slug,
          created: formatTime(doc.created),
          updated: formatTime(doc.updated),
          "schema version": doc.blockSchema.version,
          capabilities: doc.blockSchema.capabilities.join(", "),
          "secret fields": doc.blockSchema.secretFields.join(", "),
          data: doc.data,
        },
        {},
      );
    }),
  );

  withJsonOption(
    block
      .command("create")
      .description("create a block document of a type, validated against the type's schema")
      .argument("<type>", "block type slug (see ordo block types)")
      .argument("<name>", "block name: lowercase letters, digits and -")
      .option("--data <json>", "the block's data as a JSON object")
      .option("-f, --file <path>", "read the data from a JSON or YAML file")
      .option("--overwrite", "replace the data of an existing block with this name instead of failing"),
  ).action((type: string, name: string, opts: CreateOptions) =>
    withClient(async (client) => {
      const data = await readData(opts);
      const existing = opts.overwrite
        ? (await client.request(CliBlockDocumentDocument, { slug: `${type}/${name}` })).blockDocument
        : null;
      const doc = existing
        ? (await client.request(CliReplaceBlockDocumentDocument, { id: existing.id, data })).updateBlockDocument
        : (await client.request(CliCreateBlockDocumentDocument, { input: { blockTypeSlug: type, name, data } }))
            .createBlockDocument;
      if (opts.json) return printJson(doc);
      process.stdout.write(`${existing ? "Updated" : "Created"} block ${doc.slug} (${doc.id})\n`);
    }),
  );

  withJsonOption(
    block
      .command("delete")
      .description("delete a block document (refused while a deployment uses it)")
      .argument("<type/name>", "the block's slug (or its id)"),
  ).action((ref: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const doc = await findDocument(client, ref);
      await client.request(CliDeleteBlockDocumentDocument, { id: doc.id });
      if (opts.json) return printJson({ id: doc.id, slug: doc.slug, deleted: true });
      process.stdout.write(`Deleted block ${doc.slug}\n`);
    }),
  );

  withJsonOption(
    block
      .command("register")
      .description(
        "check a block plugin package as the server's boot would (package.json marker, definition, schemas compiled, secret fields, capabilities, slugs against the other plugins) and list its block types with their schema checksums and secret fields, and whether the server at ORDO_API_URL has them. It does not change the server: plugins load when the server starts, so install the package where the server runs (or list it in its ORDO_PLUGINS) and restart it to register them",
      )
      .argument(
        "<package-or-path>",
        "a package name (resolved from this folder, then from Ordo's), or the package's folder",
      ),
  ).action((spec: string, opts: OutputOptions) =>
    withClient(async (client) => {
      // loaded here: the plugin loader (and Ajv) would cost every other block command's start
      const { checkPlugin } = await import("./block-register.js");
      const checked = await checkPlugin(spec, client);
      if (opts.json) return printJson(checked);
      process.stdout.write(
        `Plugin ${checked.plugin}${checked.version ? ` ${checked.version}` : ""} (${checked.directory}) loads; its block types:\n`,
      );
      printRows(
        checked.blockTypes,
        [
          ["slug", (t) => t.slug],
          ["capabilities", (t) => t.capabilities],
          ["secret fields", (t) => t.secretFields],
          ["checksum", (t) => t.checksum],
          ["on the server", (t) => t.server],
        ],
        {},
      );
      if (checked.serverError) process.stderr.write(`could not compare with the server: ${checked.serverError}\n`);
      else if (checked.blockTypes.some((t) => t.server !== "registered")) {
        process.stdout.write(
          `To register them, install ${checked.plugin} where the server runs (or add it to the server's ORDO_PLUGINS) and restart the server.\n`,
        );
      }
    }),
  );
}

interface CreateOptions extends OutputOptions {
  data?: string;
  file?: string;
  overwrite?: boolean;
}

async function allDocuments(
  client: OrdoClient,
  blockTypeSlug: string | undefined,
): Promise<CliBlockDocumentRowFragment[]> {
  return allNodes(
    async (after) =>
      (await client.request(CliBlockDocumentsDocument, { blockTypeSlug, first: 200, after })).blockDocuments,
  );
}

/** `type/name`, or an id (no slash). */
async function findDocument(client: OrdoClient, ref: string) {
  const slug = ref.includes("/");
  if (slug && !/^[^/]+\/[^/]+$/.test(ref)) throw new CliError(`a block is named type/name, not "${ref}"`);
  const { blockDocument } = await client.request(CliBlockDocumentDocument, slug ? { slug: ref } : { id: ref });
  if (!blockDocument)
    throw new CliError(`no block ${slug ? `named "${ref}"` : `with id "${ref}"`} (see ordo block ls)`);
  return blockDocument;
}

async function readData(opts: CreateOptions): Promise<Record<string, unknown>> {
  if ((opts.data === undefined) === (opts.file === undefined))
    throw new CliError("give the block's data with either --data JSON or -f FILE");
  let data: unknown;
  if (opts.data !== undefined) data = parseJson("--data", opts.data);
  else data = await readDataFile(opts.file!);
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new CliError(`${opts.file ?? "--data"} must hold a JSON object (the block's fields)`);
  return data as Record<string, unknown>;
}
