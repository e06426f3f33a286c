// The registry of block types: filled from plugins at boot, then frozen. Keeps one compiled
// validator and a content checksum per type, and builds implementations through tsyringe.
import { createHash } from "node:crypto";
import type { ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { DependencyContainer } from "tsyringe";
import { createAjv, toIssues, type ValidationIssue } from "../validation/ajv.js";
import { checkBlockType } from "./block-type-checks.js";
import { InvalidBlockConfigError, MissingBlockDependencyError, PluginLoadError, RegistryFrozenError, UnknownBlockTypeError } from "./errors.js";
import { checkPluginDefinitionShape } from "./manifest.js";
import { BLOCK_CONFIG, BLOCK_TYPE, isPluginDefinition, type BlockTypeDefinition, type Capability, type PluginDefinition } from "./sdk.js";

export type PluginOrigin = "built-in" | "listed" | "installed" | "direct";

export interface RegisteredPlugin {
  name: string;
  version: string;
  origin: PluginOrigin;
  /** the package folder; null for plugins registered directly in code */
  directory: string | null;
}

/** What the server stores as BlockType + BlockSchema rows, and what workers build blocks from. */
export interface RegisteredBlockType {
  readonly plugin: string;
  /** the plugin's version: the BlockSchema version */
  readonly version: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string | null;
  readonly documentationUrl: string | null;
  readonly logoUrl: string | null;
  readonly isProtected: boolean;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly secretFields: readonly string[];
  readonly capabilities: readonly Capability[];
  /**
   * "sha256:<hex>" of the canonical JSON of the schema with its secret fields and capabilities:
   * a plugin that only starts treating a field as secret still gets a new schema version.
   */
  readonly checksum: string;
  readonly definition: BlockTypeDefinition;
}

/** JSON with object keys sorted at every depth, so equal schemas hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

export function schemaChecksum(schema: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(schema)).digest("hex")}`;
}

export class BlockRegistry {
  private readonly ajv: Ajv2020 = createAjv();
  private readonly types = new Map<string, RegisteredBlockType>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly pluginList: RegisteredPlugin[] = [];
  private isFrozen = false;

  /**
   * Validates a whole plugin and adds its block types, or adds nothing and throws one
   * PluginLoadError (a duplicate slug across plugins included).
   */
  register(definition: PluginDefinition, source: { origin?: PluginOrigin; directory?: string | null; version?: string | null } = {}): void {
    const label = typeof definition?.name === "string" ? definition.name : String(source.directory ?? "(unnamed plugin)");
    if (this.isFrozen) throw new RegistryFrozenError(label);
    if (!isPluginDefinition(definition)) throw new PluginLoadError(label, null, "export", "must be the result of definePlugin() from ordo/blocks-sdk");
    checkPluginDefinitionShape(definition, label);
    const existing = this.pluginList.find((p) => p.name === definition.name);
    if (existing) throw new PluginLoadError(label, null, "name", `is already registered (from ${existing.directory ?? existing.origin})`);

    const version = source.version ?? definition.version ?? "0.0.0";
    const added = new Map<string, [RegisteredBlockType, ValidateFunction]>();
    for (const def of definition.blockTypes as readonly BlockTypeDefinition[]) {
      const other = this.types.get(def.slug)?.plugin ?? (added.has(def.slug) ? definition.name : null);
      if (other) throw new PluginLoadError(label, def.slug, "slug", `is already declared by plugin "${other}"`);
      const validate = checkBlockType(def, label, this.ajv);
      const entry: RegisteredBlockType = Object.freeze({
        plugin: definition.name,
        version,
        slug: def.slug,
        name: def.name,
        description: def.description ?? null,
        documentationUrl: def.documentationUrl ?? null,
        logoUrl: def.logoUrl ?? null,
        isProtected: def.isProtected,
        schema: def.schema,
        secretFields: def.secretFields,
        capabilities: def.capabilities,
        checksum: schemaChecksum({ schema: def.schema, secretFields: def.secretFields ?? [], capabilities: def.capabilities }),
        definition: def,
      });
      added.set(def.slug, [entry, validate]);
    }
    for (const [slug, [entry, validate]] of added) {
      this.types.set(slug, entry);
      this.validators.set(slug, validate);
    }
    this.pluginList.push({ name: definition.name, version, origin: source.origin ?? "direct", directory: source.directory ?? null });
  }

  freeze(): void {
    this.isFrozen = true;
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  has(slug: string): boolean {
    return this.types.has(slug);
  }

  get(slug: string): RegisteredBlockType {
    const entry = this.types.get(slug);
    if (!entry) throw new UnknownBlockTypeError(slug);
    return entry;
  }

  /** In registration order: built-ins first, then listed, then installed packages. */
  list(): RegisteredBlockType[] {
    return [...this.types.values()];
  }

  byCapability(capability: Capability): RegisteredBlockType[] {
    return this.list().filter((t) => t.capabilities.includes(capability));
  }

  plugins(): RegisteredPlugin[] {
    return this.pluginList.map((p) => ({ ...p }));
  }

  /** Issues of `data` against the type's schema as JSON pointers; [] when valid. */
  validate(slug: string, data: unknown): ValidationIssue[] {
    this.get(slug);
    const validate = this.validators.get(slug)!;
    return validate(data) ? [] : toIssues(validate.errors ?? []);
  }

  checksum(slug: string): string {
    return this.get(slug).checksum;
  }

  /**
   * Builds the implementation for one block document. `config` is the decrypted data; it is
   * validated first. Dependencies are the definition's `inject` tokens, resolved from a child of
   * `container` in which BLOCK_CONFIG and BLOCK_TYPE are bound for this instance.
   */
  createInstance<T = unknown>(slug: string, config: unknown, container: DependencyContainer): T {
    const entry = this.get(slug);
    const issues = this.validate(slug, config);
    if (issues.length > 0) throw new InvalidBlockConfigError(slug, issues);
    const child = container.createChildContainer();
    child.register(BLOCK_CONFIG, { useValue: config });
    child.register(BLOCK_TYPE, { useValue: { slug, plugin: entry.plugin } });
    const deps = entry.definition.inject.map((token) => {
      if (!child.isRegistered(token, true)) throw new MissingBlockDependencyError(slug, entry.plugin, String(token));
      return child.resolve(token);
    });
    const Implementation = entry.definition.implementation;
    return new Implementation(config, ...deps) as T;
  }
}
