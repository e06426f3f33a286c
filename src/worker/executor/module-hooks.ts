// Module resolution for flow code: flow files live in a pulled folder (a temp dir, a clone) with
// no node_modules of their own, yet import "ordo", and are often in a folder whose package.json
// (if any) does not say "type": "module". Registers loader hooks (after tsx's) for both.
import { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

// Plain JavaScript: hooks run on Node's loader thread, where TypeScript is not guaranteed.
const HOOKS = `
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

let fallbackParent = null;
const typeOfDir = new Map();
// an import or export statement at the start of a line: the file was written as an ES module
const ESM_SYNTAX = /^[ \\t]*(import[ \\t]*[\\w{*"']|export[ \\t]+[\\w{*])/m;

export function initialize(data) {
  fallbackParent = data.fallbackParent;
}

// "module", "commonjs", or null when the nearest package.json says nothing (or there is none)
function packageType(dir) {
  if (typeOfDir.has(dir)) return typeOfDir.get(dir);
  let type = null;
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    type = typeof pkg.type === "string" ? pkg.type : null;
  } catch (e) {
    const parent = path.dirname(dir);
    if (e && e.code === "ENOENT" && parent !== dir) type = packageType(parent);
  }
  typeOfDir.set(dir, type);
  return type;
}

export async function resolve(specifier, context, next) {
  let result;
  try {
    result = await next(specifier, context);
  } catch (e) {
    // the installation running the flow provides "ordo", as an installed Python provides prefect
    if (fallbackParent && (specifier === "ordo" || specifier.startsWith("ordo/")) && e && e.code === "ERR_MODULE_NOT_FOUND") {
      return next(specifier, { ...context, parentURL: fallbackParent });
    }
    throw e;
  }
  if (!result.url.startsWith("file:")) return result;
  // tsx marks a file it means to load as CommonJS with a query, the first "?" percent-encoded
  // into the path (lib.ts%3Ftsx-commonjs-export-preparse=1?…): the real file ends before it
  const file = fileURLToPath(result.url.split("?")[0]).split("?")[0];
  if (file.includes(path.sep + "node_modules" + path.sep) || !/\\.(ts|tsx|js|jsx)$/.test(file)) return result;
  if (packageType(path.dirname(file)) === "module") return result;
  // Node's own syntax detection, which tsx bypasses (it compiles such files to CommonJS and
  // then fails on Node 20's require(esm)): ESM syntax means an ES module, in an untyped folder
  // and in a "type": "commonjs" one (\`npm init -y\` writes that) alike — a flow file written
  // with import/export is meant as a module wherever its project's package.json stands.
  try {
    if (ESM_SYNTAX.test(readFileSync(file, "utf8"))) return { ...result, url: pathToFileURL(file).href, format: "module" };
  } catch {
    // unreadable: let the loader report it
  }
  return result;
}
`;

let registered = false;

/** Once per process; `ordoPackageDir` is the folder of the ordo package to fall back to. */
export function registerFlowModuleHooks(ordoPackageDir: string): void {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { fallbackParent: pathToFileURL(path.join(ordoPackageDir, "package.json")).href },
  });
}
