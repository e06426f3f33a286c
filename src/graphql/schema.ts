// Assembles the schema: importing each module registers its types on the builder. Imported by the
// server, the schema printer and tests — never does I/O.
import "./scalars.js";
import "./modules/enums.js";
import "./modules/schedule.js";
import "./modules/state.js";
import "./modules/flow.js";
import "./modules/deployment.js";
import "./modules/flow-run.js";
import "./modules/flow-run-mutations.js";
import "./modules/flow-run-subscriptions.js";
import "./modules/log.js";
import "./modules/work-pool.js";
import "./modules/work-pool-mutations.js";
import "./modules/block.js";
import "./modules/api-key.js";
import { schemaChecksum } from "./modules/server-info.js";
import { builder } from "./builder.js";
import { rejectUnstorableTextInArguments } from "./text-arguments.js";
import { assertEveryOperationDeclaresScopes } from "./declared-scopes.js";

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = rejectUnstorableTextInArguments(
  assertEveryOperationDeclaresScopes(builder.toSchema({ sortSchema: true })),
);

// serverInfo's checksum of the printed schema: computed once, here, not on the first request
schemaChecksum(schema);
