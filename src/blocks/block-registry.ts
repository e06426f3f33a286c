// The registry of block types: filled from plugins at boot, then frozen. Keeps one compiled
// validator and a content checksum per type, and builds implementations through tsyringe.
import { createHash } from "node:crypto";
import type { ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { DependencyContainer } from "tsyringe";
import { createAjv, toIssues, type ValidationIssue } from "../validation/ajv.js";
import { checkBlockType } from "./block-type-checks.js";
import { canonicalJson } from "./canonical-json.js";
import {
  InvalidBlockConfigError,
  MissingBlockDependencyError,
  PluginLoadError,
  RegistryFrozenError,
  UndeclaredBlockDependencyError,
  UnknownBlockTypeError,
} from "./errors.js";
import { checkPluginDefinitionShape } from "./manifest.js";
import {
  BLOCK_CONFIG,
  BLOCK_TYPE,
  BLOCKS,
  isPluginDefinition,
  type BlockFactory,
  type BlockTypeDefinition,
  type Capability,
  type PluginDefinition,
  type StepDefinition,
  type StepKind,
  type WorkPoolTypeSpec,
} from "./sdk.js";
import { CORE_STEP_NAMES } from "./step-names.js";

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
  /**
   * Where the configuration holds secrets: the paths the schema marks (writeOnly, format
   * "password"), then those only the definition's secretFields list names.
   */
  readonly secretFields: readonly string[];
  readonly capabilities: readonly Capability[];
  /**
   * "sha256:<hex>" of the canonical JSON of the schema with its secret fields and capabilities:
   * a plugin that only starts treating a field as secret still gets a new schema version.
   */
  readonly checksum: string;
  readonly definition: BlockTypeDefinition;
}

/** A deployment step a plugin contributes, found by its name or an alias. */
export interface RegisteredStep {
  readonly plugin: string;
  readonly definition: StepDefinition;
}

/** A work-pool type a plugin contributes: its pools' runs go through `blockType`. */
export interface RegisteredWorkPoolType extends Readonly<WorkPoolTypeSpec> {
  readonly plugin: string;
}

export function schemaChecksum(schema: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(schema)).digest("hex")}`;
}

/**
 * The Ajv block schemas compile with: the shared one, plus "password" — what Pydantic's SecretStr
 * renders — as a format any string meets (it marks a secret; it constrains nothing).
 */
export function createBlockSchemaAjv(): Ajv2020 {
  const ajv = createAjv();
  ajv.addFormat("password", { type: "string", validate: () => true });
  return ajv;
}

export class BlockRegistry {
  private readonly ajv: Ajv2020 = createBlockSchemaAjv();
  private readonly types = new Map<string, RegisteredBlockType>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly pluginList: RegisteredPlugin[] = [];
  /** by name and by alias */
  private readonly stepIndex = new Map<string, RegisteredStep>();
  private readonly poolTypeIndex = new Map<string, RegisteredWorkPoolType>();
  private isFrozen = false;

  /**
   * Validates a whole plugin and adds its block types, or adds nothing and throws one
   * PluginLoadError (a duplicate slug across plugins included).
   */
  register(
    definition: PluginDefinition,
    source: { origin?: PluginOrigin; directory?: string | null; name?: string; version?: string | null } = {},
  ): void {
    const given = typeof definition?.name === "string" ? definition.name : null;
    const name = source.name ?? given;
    const label = name ?? String(source.directory ?? "(unnamed plugin)");
    if (this.isFrozen) throw new RegistryFrozenError(label);
    if (!isPluginDefinition(definition))
      throw new PluginLoadError(label, null, "export", "must be the result of definePlugin() from ordo/blocks-sdk");
    if (source.name !== undefined && given !== null && given !== source.name) {
      throw new PluginLoadError(
        source.name,
        null,
        "name",
        `is "${given}" in definePlugin() but "${source.name}" in package.json (leave it out of definePlugin())`,
      );
    }
    checkPluginDefinitionShape(definition, label);
    if (name === null || name === "")
      throw new PluginLoadError(
        label,
        null,
        "name",
        "is required for a plugin registered in code (a package's comes from its package.json)",
      );
    const existing = this.pluginList.find((p) => p.name === name);
    if (existing)
      throw new PluginLoadError(
        label,
        null,
        "name",
        `is already registered (from ${existing.directory ?? existing.origin})`,
      );

    const version = source.version ?? definition.version ?? "0.0.0";
    const added = new Map<string, [RegisteredBlockType, ValidateFunction]>();
    for (const def of definition.blockTypes as readonly BlockTypeDefinition[]) {
      const other = this.types.get(def.slug)?.plugin ?? (added.has(def.slug) ? name : null);
      if (other) throw new PluginLoadError(label, def.slug, "slug", `is already declared by plugin "${other}"`);
      const { validate, secretFields } = checkBlockType(def, label, this.ajv);
      const entry: RegisteredBlockType = Object.freeze({
        plugin: name,
        version,
        slug: def.slug,
        name: def.name,
        description: def.description ?? null,
        documentationUrl: def.documentationUrl ?? null,
        logoUrl: def.logoUrl ?? null,
        isProtected: def.isProtected,
        schema: def.schema,
        secretFields: Object.freeze(secretFields),
        capabilities: def.capabilities,
        checksum: schemaChecksum({ schema: def.schema, secretFields, capabilities: def.capabilities }),
        definition: def,
      });
      added.set(def.slug, [entry, validate]);
    }
    const steps = this.checkSteps(definition.steps ?? [], name, label);
    const poolTypes = this.checkWorkPoolTypes(definition.workPoolTypes ?? [], added, name, label);
    for (const [slug, [entry, validate]] of added) {
      this.types.set(slug, entry);
      this.validators.set(slug, validate);
    }
    for (const [key, step] of steps) this.stepIndex.set(key, step);
    for (const poolType of poolTypes) this.poolTypeIndex.set(poolType.type, poolType);
    this.pluginList.push({ name, version, origin: source.origin ?? "direct", directory: source.directory ?? null });
  }

  /** Names and aliases unique across Ordo's own steps and every plugin's. */
  private checkSteps(steps: readonly StepDefinition[], plugin: string, label: string): Map<string, RegisteredStep> {
    const added = new Map<string, RegisteredStep>();
    for (const step of steps) {
      if (typeof step.run !== "function")
        throw new PluginLoadError(label, null, `steps/${step.name}/run`, "must be a function (args, ctx) => outputs");
      const unknownRequired = (step.required ?? []).filter((a) => !step.args.includes(a));
      if (unknownRequired.length)
        throw new PluginLoadError(
          label,
          null,
          `steps/${step.name}/required`,
          `names ${unknownRequired.join(", ")}, not in args`,
        );
      for (const key of [step.name, ...(step.aliases ?? [])]) {
        if (CORE_STEP_NAMES.includes(key))
          throw new PluginLoadError(label, null, `steps/${step.name}`, `"${key}" is one of Ordo's own steps`);
        const other = this.stepIndex.get(key)?.plugin ?? (added.has(key) ? plugin : null);
        if (other)
          throw new PluginLoadError(
            label,
            null,
            `steps/${step.name}`,
            `"${key}" is already a step of plugin "${other}"`,
          );
        added.set(key, Object.freeze({ plugin, definition: step }));
      }
    }
    return added;
  }

  /** A pool type names an infrastructure block type of the same plugin, and is no block type's slug. */
  private checkWorkPoolTypes(
    specs: readonly WorkPoolTypeSpec[],
    types: ReadonlyMap<string, [RegisteredBlockType, unknown]>,
    plugin: string,
    label: string,
  ): RegisteredWorkPoolType[] {
    const added: RegisteredWorkPoolType[] = [];
    for (const spec of specs) {
      const at = `workPoolTypes/${spec.type}`;
      if (spec.type === "agent") throw new PluginLoadError(label, null, at, `"agent" is Ordo's own pool type`);
      const other =
        this.poolTypeIndex.get(spec.type)?.plugin ?? (added.some((a) => a.type === spec.type) ? plugin : null);
      if (other) throw new PluginLoadError(label, null, at, `is already a work-pool type of plugin "${other}"`);
      if (this.types.has(spec.type) || types.has(spec.type))
        throw new PluginLoadError(
          label,
          null,
          at,
          "is also a block type's slug: a pool of that type would be ambiguous",
        );
      const blockType = types.get(spec.blockType)?.[0];
      if (!blockType?.capabilities.includes("run-infrastructure")) {
        throw new PluginLoadError(
          label,
          null,
          `${at}/blockType`,
          `"${spec.blockType}" must be a block type of this plugin with the run-infrastructure capability`,
        );
      }
      added.push(Object.freeze({ ...spec, plugin }));
    }
    for (const [slug] of types) {
      if (this.poolTypeIndex.has(slug))
        throw new PluginLoadError(
          label,
          slug,
          "slug",
          `is already a work-pool type of plugin "${this.poolTypeIndex.get(slug)!.plugin}"`,
        );
    }
    return added;
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

  /** The plugin step a key's short name (or alias) names; null when no plugin has it. */
  step(name: string): RegisteredStep | null {
    return this.stepIndex.get(name) ?? null;
  }

  /** Each plugin step once (aliases not repeated), optionally of one kind. */
  steps(kind?: StepKind): RegisteredStep[] {
    return [...new Set(this.stepIndex.values())].filter((s) => kind === undefined || s.definition.kind === kind);
  }

  /** Every key a step of `kind` answers to: names and aliases. */
  stepNames(kind: StepKind): string[] {
    return [...this.stepIndex].filter(([, s]) => s.definition.kind === kind).map(([k]) => k);
  }

  workPoolType(type: string): RegisteredWorkPoolType | null {
    return this.poolTypeIndex.get(type) ?? null;
  }

  workPoolTypes(): RegisteredWorkPoolType[] {
    return [...this.poolTypeIndex.values()];
  }

  /**
   * The block type that runs a pool's flow runs: the pool type's own when a plugin declares it
   * (docker → docker-container), else a block type of that slug (process).
   */
  infrastructureFor(poolType: string): RegisteredBlockType | null {
    const slug = this.poolTypeIndex.get(poolType)?.blockType ?? poolType;
    const type = this.types.get(slug);
    return type?.capabilities.includes("run-infrastructure") ? type : null;
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
   * validated first. The second constructor argument holds the definition's `inject` names, each
   * resolved from a child of `container` in which BLOCK_CONFIG and BLOCK_TYPE are bound for this
   * instance; the constructor reading a name `inject` does not declare throws
   * UndeclaredBlockDependencyError.
   */
  createInstance<T = unknown>(slug: string, config: unknown, container: DependencyContainer): T {
    const entry = this.get(slug);
    const issues = this.validate(slug, config);
    if (issues.length > 0) throw new InvalidBlockConfigError(slug, issues);
    const child = container.createChildContainer();
    child.register(BLOCK_CONFIG, { useValue: config });
    child.register(BLOCK_TYPE, { useValue: { slug, plugin: entry.plugin } });
    // blocks built by blocks (remote-file-system → s3) share the caller's container
    const factory: BlockFactory = { create: (s, c) => this.createInstance(s, c, container), has: (s) => this.has(s) };
    child.register(BLOCKS, { useValue: factory });
    const deps: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(entry.definition.inject)) {
      if (!child.isRegistered(token, true))
        throw new MissingBlockDependencyError(slug, entry.plugin, name, String(token));
      deps[name] = child.resolve(token);
    }
    const Implementation = entry.definition.implementation;
    const guard = guardedDeps(deps, entry);
    try {
      return new Implementation(config, guard.deps) as T;
    } finally {
      guard.release();
    }
  }
}

/** Names generic code probes objects for (promises, JSON, test matchers, React-style `$$typeof`, `@@…`). */
function isProbe(key: string): boolean {
  return (
    key in Object.prototype || key === "then" || key === "toJSON" || key === "asymmetricMatch" || /^[$@_]/.test(key)
  );
}

/**
 * The dependencies object. While the constructor runs — where a class takes its dependencies — a
 * name inject does not declare throws a named error instead of reading `undefined`; afterwards
 * the object is a plain one, so whatever inspects it later (test matchers, loggers) is not tripped.
 */
function guardedDeps(
  deps: Record<string, unknown>,
  entry: RegisteredBlockType,
): { deps: Readonly<Record<string, unknown>>; release(): void } {
  let building = true;
  const proxy = new Proxy(Object.freeze(deps), {
    get(target, key, receiver) {
      if (building && typeof key === "string" && !Object.hasOwn(target, key) && !isProbe(key)) {
        throw new UndeclaredBlockDependencyError(entry.slug, entry.plugin, key, Object.keys(target));
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { deps: proxy, release: () => (building = false) };
}
