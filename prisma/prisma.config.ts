// Prisma CLI configuration for both databases: DATABASE_URL picks the schema file, the migrations
// folder and the driver adapter (engine "js": no downloaded binaries, see stack-notes §3).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { createPgAdapter } from "../src/db/pg-adapter.js";

const here = path.resolve("prisma");
const url = process.env.DATABASE_URL ?? "file:./generate.db";
const isPg = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPg ? path.join(here, "postgres", "schema.prisma") : path.join(here, "schema.prisma"),
  migrations: { path: isPg ? path.join(here, "postgres", "migrations") : path.join(here, "migrations") },
  async adapter() {
    // allowExitOnIdle: the CLI must not wait for the pg pool's idle timeout before exiting
    return isPg ? createPgAdapter(url, { allowExitOnIdle: true }) : new PrismaBetterSQLite3({ url });
  },
});
