// Boot-time registration of the loaded plugins' block types: each type is upserted by slug, and a
// schema row is added only when its checksum is new — changing a plugin's schema adds a version
// instead of rewriting the one existing documents were validated against.
import type { BlockRegistry } from "../../blocks/index.js";
import type { Database } from "../../db/prisma-client.js";
import { json } from "../../db/json-columns.js";
import type { Clock } from "../../tokens.js";

/** `clock` stamps a new schema row's `created` (the latest schema is the newest row), so tests can move time. */
export async function registerBlockTypes(
  db: Database,
  registry: BlockRegistry,
  clock: Clock = { now: () => new Date() },
): Promise<void> {
  for (const t of registry.list()) {
    const meta = {
      name: t.name,
      description: t.description,
      documentationUrl: t.documentationUrl,
      logoUrl: t.logoUrl,
      isProtected: t.isProtected,
      plugin: t.plugin,
    };
    const now = clock.now();
    const type = await db.client.blockType.upsert({
      where: { slug: t.slug },
      create: { slug: t.slug, ...meta, created: now, updated: now },
      update: { ...meta, updated: now },
    });
    await db.client.blockSchema.upsert({
      where: { blockTypeId_checksum: { blockTypeId: type.id, checksum: t.checksum } },
      create: {
        blockTypeId: type.id,
        checksum: t.checksum,
        fields: json(t.schema),
        capabilities: json(t.capabilities),
        secretFields: json(t.secretFields),
        version: t.version,
        created: now,
      },
      update: {},
    });
  }
}
