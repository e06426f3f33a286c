// Errors of the blocks layer. Boot failures are one PluginLoadError whose message names the
// plugin, the block type and the field, so a broken plugin is fixed from the message alone.
import type { ValidationIssue } from "../validation/ajv.js";

export class PluginLoadError extends Error {
  constructor(
    /** package name, or the folder when package.json has no usable name */
    readonly plugin: string,
    /** slug (or `#index` when the slug itself is unusable); null for plugin-level problems */
    readonly blockType: string | null,
    /** e.g. "schema /properties/x/type", "capabilities/1", "package.json /ordo/plugin" */
    readonly field: string,
    readonly problem: string,
    /** every issue found, when the message shows only the first */
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    const where = blockType === null ? "" : ` block type "${blockType}"`;
    super(`Plugin "${plugin}"${where}: ${field ? `${field} ` : ""}${problem}`);
    this.name = "PluginLoadError";
  }
}

export class UnknownBlockTypeError extends Error {
  constructor(readonly slug: string) {
    super(`unknown block type "${slug}"`);
    this.name = "UnknownBlockTypeError";
  }
}

export class RegistryFrozenError extends Error {
  constructor(plugin: string) {
    super(`cannot register plugin "${plugin}": the block registry is frozen (plugins are loaded at boot only)`);
    this.name = "RegistryFrozenError";
  }
}

/** The configuration handed to createInstance does not match the type's schema (messages never quote values). */
export class InvalidBlockConfigError extends Error {
  constructor(
    readonly slug: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      `invalid configuration for block type "${slug}": ${issues.map((i) => `${i.path || "/"} ${i.message}`).join("; ")}`,
    );
    this.name = "InvalidBlockConfigError";
  }
}

/** A dependency an implementation injects is not registered in the container it is built from. */
export class MissingBlockDependencyError extends Error {
  constructor(
    readonly slug: string,
    readonly plugin: string,
    /** the dependency's name in `inject` */
    readonly dependency: string,
    readonly token: string,
  ) {
    super(`Plugin "${plugin}" block type "${slug}": inject/${dependency} ${token} is not registered in the container`);
    this.name = "MissingBlockDependencyError";
  }
}

/**
 * The implementation read a dependency its `inject` does not name (a JavaScript plugin, which no
 * type-check caught): raised while the instance is built, instead of handing it `undefined`.
 */
export class UndeclaredBlockDependencyError extends Error {
  constructor(
    readonly slug: string,
    readonly plugin: string,
    readonly dependency: string,
    readonly declared: readonly string[],
  ) {
    const names = declared.length > 0 ? `it names ${declared.join(", ")}` : "it names none";
    super(
      `Plugin "${plugin}" block type "${slug}": the implementation reads the dependency "${dependency}", which inject does not name (${names})`,
    );
    this.name = "UndeclaredBlockDependencyError";
  }
}
