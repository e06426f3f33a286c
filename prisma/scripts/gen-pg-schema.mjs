// Derives prisma/postgres/schema.prisma from the canonical SQLite schema (provider must be a literal,
// and each provider gets its own generated client and migrations folder).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const src = readFileSync("prisma/schema.prisma", "utf8");
const out = src
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace('output              = "../src/generated/prisma"', 'output              = "../../src/generated/prisma-pg"')
  .replace(/generator pothos \{[^}]*\}\n*/s, "");
if (out === src || !out.includes("prisma-pg") || out.includes("prisma-pothos-types")) {
  throw new Error("gen-pg-schema: prisma/schema.prisma no longer has the expected generator/datasource lines");
}
mkdirSync("prisma/postgres", { recursive: true });
writeFileSync(
  "prisma/postgres/schema.prisma",
  "// GENERATED from prisma/schema.prisma by scripts/gen-pg-schema.mjs — edit that file instead.\n" + out,
);
