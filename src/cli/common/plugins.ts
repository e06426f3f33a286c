// The block plugins as the CLI loads them: ORDO_PLUGINS plus installed packages, logging to stderr.
import type { DependencyContainer } from "tsyringe";
import { blockHostContainer } from "../../blocks/host-container.js";
import { loadPlugins, parsePluginList, type BlockLogger, type BlockRegistry } from "../../blocks/index.js";
import { progress } from "./output.js";

/** Packages named in ORDO_PLUGINS, besides those found installed. */
export function pluginPackages(): string[] {
  return parsePluginList(process.env.ORDO_PLUGINS);
}

/** Block plugins' log lines go to stderr with the CLI's progress. */
export function cliBlockLogger(): BlockLogger {
  const line = (level: string) => (msg: string, detail?: unknown) =>
    progress(`${level} ${msg}${detail === undefined ? "" : ` ${JSON.stringify(detail)}`}`);
  return { debug: () => {}, info: line("INFO "), warn: line("WARN "), error: line("ERROR") };
}

let loaded: Promise<BlockRegistry> | null = null;

/** The plugins, loaded once per command. */
export function cliPlugins(): Promise<BlockRegistry> {
  return (loaded ??= loadPlugins({ packages: pluginPackages() }));
}

/** What blocks the CLI builds are resolved from: the stderr logger, nothing else. */
export function cliBlockContainer(): DependencyContainer {
  return blockHostContainer(cliBlockLogger());
}
