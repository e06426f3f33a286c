// Makes TypeScript files importable (flows, plugins written in TypeScript): compiled Ordo registers
// tsx's loader the first time one is imported, so commands that load none do not pay for it.
import { RUNS_COMPILED } from "./installation.js";

let registered: Promise<void> | null = null;

export function ensureTypeScriptLoader(): Promise<void> {
  // the sources already run under tsx or vitest, which load TypeScript themselves
  if (!RUNS_COMPILED) return Promise.resolve();
  registered ??= import("tsx/esm/api").then(({ register }) => {
    register();
  });
  return registered;
}

/** True for the file names tsx compiles. */
export function isTypeScriptFile(file: string): boolean {
  return /\.(c|m)?tsx?$/.test(file);
}
