// Prints the schema to schema.graphql (`npm run schema`), or with --check fails when the committed
// file differs from the schema the code builds (CI's drift check).
import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { printSchemaFile } from "./modules/server-info.js";
import { schema } from "./schema.js";

const file = new URL("../../schema.graphql", import.meta.url);
// the same text serverInfo.schemaChecksum hashes, so a CLI's copy of this file matches its server
const printed = printSchemaFile(schema);

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(file, "utf8");
  } catch {
    // missing file counts as drift
  }
  if (committed !== printed) {
    console.error("schema.graphql is out of date: run `npm run schema` and commit it.");
    process.exit(1);
  }
  console.log("schema.graphql is up to date.");
} else {
  writeFileSync(file, printed);
  console.log("wrote schema.graphql");
}
