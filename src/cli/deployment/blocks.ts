// The blocks a deployment file names: a slug or id that must exist with the right capability, or
// an inline spec (`{ type: process, … }`) kept as an anonymous block named by its content, so
// applying the same file twice reuses the block instead of piling up copies (Prefect did pile them up).
import { createHash } from "node:crypto";
import { canonicalJson } from "../../blocks/canonical-json.js";
import {
  CliDeploymentBlockDocument,
  CliDeploymentBlockTypeDocument,
  CliDeploymentCreateBlockDocument,
} from "../../client/generated/graphql.js";
import { OrdoApiError, type OrdoClient } from "../../client/ordo-client.js";
import { isId } from "../common/connections.js";
import { CliError } from "../common/errors.js";
import type { BlockSpec, InlineBlock } from "./spec-files.js";
import { checkStorageBlock, parseStorageRef, type StorageRef } from "./upload.js";

export type BlockRole = "storage" | "infrastructure";

const CAPABILITY: Record<BlockRole, string> = { storage: "get-directory", infrastructure: "run-infrastructure" };

/** A block reference as applyDeployment takes it; inline specs become `type/anonymous-<hash>`. */
export function inlineSlug(spec: InlineBlock): string {
  const { type, ...data } = spec;
  const hash = createHash("sha256").update(canonicalJson({ type, data })).digest("hex").slice(0, 24);
  return `${type}/anonymous-${hash}`;
}

/** Checks a named block exists and can play its role (nothing is written); `where` prefixes errors. */
export async function checkBlockRef(
  client: OrdoClient,
  ref: string,
  role: BlockRole,
  where: string,
  needsUpload = false,
): Promise<void> {
  if (isId(ref)) {
    const doc = (await client.request(CliDeploymentBlockDocument, { id: ref })).blockDocument;
    if (!doc) throw new CliError(`${where}: no block with id ${ref}`);
    if (!doc.blockSchema.capabilities.includes(CAPABILITY[role]))
      throw new CliError(`${where}: block ${doc.slug} cannot serve as ${role} (no ${CAPABILITY[role]} capability)`);
    return;
  }
  if (role === "storage") {
    await withPlace(where, () => checkStorageBlock(client, storageRef(ref, where), needsUpload));
    return;
  }
  const doc = (await client.request(CliDeploymentBlockDocument, { slug: ref })).blockDocument;
  if (!doc)
    throw new CliError(
      `${where}: no ${role} block "${ref}" on the server (\`ordo block ls\` lists them; the slug is block-type/block-name)`,
    );
  if (!doc.blockSchema.capabilities.includes(CAPABILITY[role]))
    throw new CliError(`${where}: block "${ref}" cannot run flow runs (no run-infrastructure capability)`);
}

/** Checks an inline spec's block type exists and can play its role. */
export async function checkInlineBlock(
  client: OrdoClient,
  spec: InlineBlock,
  role: BlockRole,
  where: string,
): Promise<void> {
  const type = (await client.request(CliDeploymentBlockTypeDocument, { slug: spec.type })).blockType;
  if (!type) {
    throw new CliError(
      `${where}: no block type "${spec.type}" on the server: no installed plugin provides it (install a plugin providing ${spec.type} where the server and its agents run, list it in ORDO_PLUGINS, restart the server; \`ordo block types\` lists the types it has)`,
    );
  }
  if (!type.latestSchema.capabilities.includes(CAPABILITY[role]))
    throw new CliError(
      `${where}: block type "${spec.type}" cannot serve as ${role} (no ${CAPABILITY[role]} capability)`,
    );
}

/** The anonymous block for an inline spec: found by its content-derived name, else created. */
export async function ensureInlineBlock(client: OrdoClient, spec: InlineBlock, where: string): Promise<string> {
  const slug = inlineSlug(spec);
  if ((await client.request(CliDeploymentBlockDocument, { slug })).blockDocument) return slug;
  const { type, ...data } = spec;
  try {
    await client.request(CliDeploymentCreateBlockDocument, {
      input: { blockTypeSlug: type, name: slug.split("/")[1]!, isAnonymous: true, data },
    });
  } catch (e) {
    if (e instanceof OrdoApiError) {
      const details = e.errors.map((x) => `${x.path || "/"} ${x.message}`).join("; ");
      throw new CliError(`${where}: the ${type} block is not valid: ${details || e.message}`);
    }
    throw e;
  }
  return slug;
}

/** A block spec from a file, checked and made real: what applyDeployment's storageBlock / infrastructureBlock gets. */
export async function resolveBlockSpec(
  client: OrdoClient,
  spec: BlockSpec,
  role: BlockRole,
  where: string,
  needsUpload = false,
): Promise<string> {
  if (typeof spec === "string") {
    await checkBlockRef(client, spec, role, where, needsUpload);
    return spec;
  }
  await checkInlineBlock(client, spec, role, where);
  return ensureInlineBlock(client, spec, where);
}

export function storageRef(slug: string, where: string): StorageRef {
  return withPlaceSync(where, () => parseStorageRef(slug, "storage"));
}

async function withPlace<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CliError && where) throw new CliError(`${where}: ${e.message}`);
    throw e;
  }
}

function withPlaceSync<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CliError && where) throw new CliError(`${where}: ${e.message}`);
    throw e;
  }
}
