// The block plugin SDK, the only module plugins import (as "ordo/blocks-sdk"): plugin and block
// type definitions, the capability interfaces implementations provide, and injectable tokens.
import type { FromSchema, JSONSchema } from "json-schema-to-ts";

export type { FromSchema, JSONSchema } from "json-schema-to-ts";
import type { StepDefinition } from "./sdk-steps.js";

export {
  DEFAULT_IGNORE_FILE,
  downloadTargets,
  eachLimited,
  keyUnder,
  listLocalFiles,
  localPathUnder,
  PathOutsideBlockError,
  type DownloadTarget,
  type LocalFile,
} from "./sdk-folders.js";
export {
  defineStep,
  STEP_KINDS,
  storageSteps,
  type StepContext,
  type StepDefinition,
  type StepKind,
  type StepSpec,
  type StorageStepsSpec,
} from "./sdk-steps.js";

export const CAPABILITIES = [
  "read-path",
  "write-path",
  "get-directory",
  "put-directory",
  "run-infrastructure",
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** The methods each capability needs; the loader checks the implementation class has every one. */
export const CAPABILITY_METHODS: Readonly<Record<Capability, readonly string[]>> = {
  "read-path": ["readPath"],
  "write-path": ["writePath"],
  "get-directory": ["getDirectory"],
  "put-directory": ["putDirectory"],
  "run-infrastructure": ["run", "kill"],
};

/** Paths are relative to the block's own location (e.g. a storage block's base path). */
export interface ReadPath {
  readPath(path: string): Promise<Buffer>;
}

export interface WritePath {
  writePath(path: string, content: Buffer | string): Promise<void>;
}

export interface GetDirectory {
  /** Copies the block's `from` folder (null: its root) into the local folder. */
  getDirectory(from: string | null, localPath: string): Promise<void>;
}

export interface PutDirectory {
  /** Copies a local folder into the block's `to` folder, skipping what the ignore file (gitignore syntax) matches. */
  putDirectory(localPath: string, to: string | null, ignoreFile?: string): Promise<{ files: number }>;
}

export interface InfrastructureJob {
  command: string[];
  /**
   * True when `command` is the worker's own executor invocation, with the worker host's paths
   * (`<node> <ordo>/bin/ordo.mjs flow-run execute <id>`): a block running an image should run
   * `ordo flow-run execute` from the image instead (it reads ORDO_FLOW_RUN_ID from `env`).
   * False when the job configuration named the command.
   */
  defaultCommand?: boolean;
  env: Record<string, string>;
  workingDir?: string;
  labels?: Record<string, string>;
  onOutput?: (stream: "stdout" | "stderr", line: string) => void;
  /** Called once the infrastructure is up, with the id `kill` takes: the worker records it at once. */
  onStart?: (infrastructureId: string) => void;
  signal?: AbortSignal;
}

export interface InfrastructureResult {
  pid: number;
  exitCode: number | null;
  signal?: string | null;
}

export interface RunInfrastructure {
  run(job: InfrastructureJob): Promise<InfrastructureResult>;
  /** Stops what `run` started: politely first, forcibly once the grace period is over. */
  kill(pid: string | number, gracePeriodSeconds?: number): Promise<void>;
}

export interface CapabilityInterfaces {
  "read-path": ReadPath;
  "write-path": WritePath;
  "get-directory": GetDirectory;
  "put-directory": PutDirectory;
  "run-infrastructure": RunInfrastructure;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** What an implementation must provide for the declared capabilities. */
export type ImplementationOf<C extends readonly Capability[]> = [C[number]] extends [never]
  ? object
  : UnionToIntersection<CapabilityInterfaces[C[number]]>;

/** Raised by `kill` when there is nothing (left) to kill, so callers can tell it from a failure. */
export class InfrastructureNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InfrastructureNotFoundError";
  }
}

// ---- injection tokens -------------------------------------------------------------------------

/**
 * A typed injection token. Tokens are registered symbols (Symbol.for) so the server and a plugin
 * agree on them even when the SDK module is loaded twice (e.g. through a symlink).
 */
export type Token<T> = symbol & { readonly __ordoTokenOf?: T };

export function defineToken<T>(key: string): Token<T> {
  return Symbol.for(`ordo.blocks.${key}`) as Token<T>;
}

export interface BlockLogger {
  debug(msg: string, detail?: unknown): void;
  info(msg: string, detail?: unknown): void;
  warn(msg: string, detail?: unknown): void;
  error(msg: string, detail?: unknown): void;
}

export interface BlockTypeInfo {
  slug: string;
  plugin: string;
}

/** The host's logger. Never log a configuration: it holds decrypted secrets. */
export const LOGGER: Token<BlockLogger> = defineToken("Logger");
/** The decrypted configuration of the instance being built (also passed as the first constructor argument). */
export const BLOCK_CONFIG: Token<unknown> = defineToken("BlockConfig");
/** Which block type and plugin the instance being built belongs to. */
export const BLOCK_TYPE: Token<BlockTypeInfo> = defineToken("BlockType");

/** Builds instances of other block types of the loaded plugins (remote-file-system delegating to s3…). */
export interface BlockFactory {
  /** the configuration is validated against the type's schema first; an unknown slug throws */
  create<T = unknown>(slug: string, config: Record<string, unknown>): T;
  /** whether a loaded plugin provides the block type */
  has(slug: string): boolean;
}

export const BLOCKS: Token<BlockFactory> = defineToken("Blocks");

/** What a block type asks the container for: a name per dependency, `{ logger: LOGGER }`. */
export type InjectSpec = Readonly<Record<string, Token<unknown>>>;

/** The second constructor argument for an `inject` spec: `{ logger: LOGGER }` → `{ logger: BlockLogger }`. */
export type DepsOf<D extends InjectSpec> = {
  -readonly [K in keyof D]: D[K] extends Token<infer T> ? T : never;
};

// ---- definitions ------------------------------------------------------------------------------

/**
 * The configuration type a schema describes; write schemas `as const` (with additionalProperties:
 * false for exact types). Properties with a `default` stay optional: validation does not fill
 * defaults in, so the implementation must apply them itself.
 */
export type ConfigOf<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;

export interface BlockTypeSpec<S extends JSONSchema, C extends readonly Capability[], D extends InjectSpec> {
  /** ^[a-z0-9-]+$, unique across all plugins */
  slug: string;
  name: string;
  description?: string;
  documentationUrl?: string;
  logoUrl?: string;
  /**
   * JSON Schema draft 2020-12 of the configuration; its top level is an object. A property with
   * `writeOnly: true` or `format: "password"` (as Pydantic's SecretStr renders) is secret:
   * encrypted at rest, masked as "********" in responses.
   */
  schema: S;
  /**
   * Older way to name secret fields: dot paths into the configuration, `*` matching any key. Added
   * to the fields the schema marks; prefer marking them in the schema.
   */
  secretFields?: readonly string[];
  capabilities: C;
  /** protected types cannot be changed by users (Prefect's system blocks) */
  isProtected?: boolean;
  /**
   * The dependencies, by name: `{ logger: LOGGER, type: BLOCK_TYPE }` passes
   * `{ logger: BlockLogger, type: BlockTypeInfo }` as the constructor's second argument.
   */
  inject?: D;
  // NoInfer: S, C and D come from schema, capabilities and inject; the class is checked against them.
  implementation: NoInfer<new (config: ConfigOf<S>, deps: DepsOf<D>) => ImplementationOf<C>>;
}

/** A block type as the registry sees it; the type parameters keep the configuration and implementation types. */
export interface BlockTypeDefinition<Config = unknown, Impl = unknown> {
  readonly slug: string;
  readonly name: string;
  readonly description?: string;
  readonly documentationUrl?: string;
  readonly logoUrl?: string;
  readonly schema: Readonly<Record<string, unknown>>;
  /** the type's own secretFields list; the registry adds the fields its schema marks */
  readonly secretFields: readonly string[];
  readonly capabilities: readonly Capability[];
  readonly isProtected: boolean;
  readonly inject: InjectSpec;
  // `any` deps: the registry resolves them by token; their types were checked by defineBlockType.
  readonly implementation: new (
    config: Config,
    deps: any,
  ) => Impl;
}

export function defineBlockType<
  const S extends JSONSchema,
  const C extends readonly Capability[],
  const D extends InjectSpec = {},
>(spec: BlockTypeSpec<S, C, D>): NoInfer<BlockTypeDefinition<ConfigOf<S>, ImplementationOf<C>>> {
  // No checks here: the loader validates every definition and reports one precise error.
  return Object.freeze({
    ...spec,
    schema: spec.schema as unknown as Readonly<Record<string, unknown>>,
    secretFields: spec.secretFields ?? [],
    isProtected: spec.isProtected ?? false,
    inject: spec.inject ?? {},
  }) as unknown as BlockTypeDefinition<ConfigOf<S>, ImplementationOf<C>>;
}

/** Marks what definePlugin returned; a registered symbol so a second copy of the SDK still matches. */
export const PLUGIN_BRAND: unique symbol = Symbol.for("ordo.blocks.plugin") as never;

export interface PluginSpec {
  /**
   * Leave it out: the loader takes the package's name (and version) from package.json. A name
   * given must equal it; plugins registered in code, without a package, need one.
   */
  name?: string;
  /** for plugins registered in code; a package's version comes from its package.json */
  version?: string;
  blockTypes: readonly BlockTypeDefinition<any, any>[];
  /** pull, build and push steps deployments can name (defineStep, storageSteps) */
  steps?: readonly StepDefinition[];
  /** work-pool types whose runs this plugin's infrastructure block types run */
  workPoolTypes?: readonly WorkPoolTypeSpec[];
}

/**
 * A work-pool type (Prefect's worker type): `ordo work-pool create P --type docker` gets this base
 * job template, and `ordo worker start --pool P` runs the pool's flow runs through `blockType`,
 * built from each run's job configuration.
 */
export interface WorkPoolTypeSpec {
  /** the pool's type, ^[a-z0-9-]+$: not a block type's slug, unique across plugins */
  type: string;
  /** a block type of the same plugin with the run-infrastructure capability */
  blockType: string;
  description?: string;
  /** `job_configuration` with {{ placeholders }}, each declared in `variables` (a JSON Schema) */
  baseJobTemplate: {
    job_configuration: Readonly<Record<string, unknown>>;
    variables: Readonly<Record<string, unknown>>;
  };
}

export interface PluginDefinition extends Readonly<PluginSpec> {
  readonly [PLUGIN_BRAND]: true;
}

export function definePlugin(spec: PluginSpec): PluginDefinition {
  return Object.freeze({ ...spec, [PLUGIN_BRAND]: true as const });
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

export type ConfigOfBlockType<B> = B extends BlockTypeDefinition<infer Config, any> ? Config : never;
export type ImplementationOfBlockType<B> = B extends BlockTypeDefinition<any, infer Impl> ? Impl : never;
