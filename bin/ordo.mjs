#!/usr/bin/env node
// The `ordo` command: runs the compiled CLI in dist/ (shipped in the package; in a clone,
// `npm install` builds it and `npm run build` refreshes it). TypeScript flows and plugins get
// tsx's loader when one is imported (src/typescript-loader.ts).
import "reflect-metadata";

const CLI = new URL("../dist/src/cli/main.js", import.meta.url);
try {
  await import(CLI.href);
} catch (e) {
  if (e?.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes(CLI.pathname)) {
    process.stderr.write(
      "ordo: the compiled CLI is missing (dist/src/cli/main.js): run `npm run build` in the Ordo folder\n",
    );
    process.exit(1);
  }
  throw e;
}
