// What the rest of Ordo (server, domain, worker, CLI) uses from the blocks layer. Plugins import
// only the SDK, as "ordo/blocks-sdk".
export {
  discoverPlugins,
  loadPlugins,
  parsePluginList,
  REPO_ROOT,
  type DiscoveredPlugin,
  type LoadPluginsOptions,
  type PluginDiscoveryOptions,
} from "./block-loader.js";
export {
  BlockRegistry,
  schemaChecksum,
  type PluginOrigin,
  type RegisteredBlockType,
  type RegisteredPlugin,
} from "./block-registry.js";
export { canonicalJson } from "./canonical-json.js";
export { BLOCK_REGISTRY, blockTypesWithCapability, capabilityToken, registerBlockRegistry } from "./block-container.js";
export {
  InvalidBlockConfigError,
  MissingBlockDependencyError,
  PluginLoadError,
  RegistryFrozenError,
  UndeclaredBlockDependencyError,
  UnknownBlockTypeError,
} from "./errors.js";
export { MANIFEST_FIELD, SLUG_PATTERN } from "./manifest.js";
export { isSecretPath } from "./secret-paths.js";
export {
  CORE_STEP_NAMES,
  DEPLOY_STEP_NAMES,
  PULL_STEP_ALIASES,
  PULL_STEP_NAMES,
  pullStepName,
  shortStepName,
  type DeployStepName,
  type PullStepName,
} from "./step-names.js";
// the JSON intake, for the layers that may not import validation/ themselves (worker, CLI)
export {
  hasPrototypeSegment,
  isPrototypeKey,
  JSON_INTAKE_LIMITS,
  jsonIntakeProblem,
  mergeDeep,
  ownValue,
  setOwn,
  setPath,
  type JsonIntakeProblem,
} from "../validation/json-intake.js";
export {
  decryptSecretFields,
  decryptValue,
  encryptSecretFields,
  encryptValue,
  generateEncryptionKey,
  InvalidEncryptionKeyError,
  isEncryptedSecret,
  MaskedSecretWithoutValueError,
  maskSecretFields,
  mergeMaskedSecrets,
  parseEncryptionKey,
  SecretDecryptionError,
  SECRET_MASK,
} from "./secrets.js";
export * from "./sdk.js";
