// `ordo flow ls / inspect`: the flows the server knows (registered by applying their deployments),
// with their deployments.
import type { Command } from "commander";
import { CliFlowDocument, CliFlowsDocument, type CliFlowRowFragment } from "../client/generated/graphql.js";
import { withClient } from "./common/api.js";
import { allNodes, isId } from "./common/connections.js";
import { CliError } from "./common/errors.js";
import { printJson, printObject, printRows, withJsonOption, type OutputOptions } from "./common/output.js";
import { formatTime } from "./display.js";

export function registerFlowCommands(program: Command): void {
  const flow = program.command("flow").description("flows: list them and inspect one, with its deployments");

  withJsonOption(flow.command("ls").description("list flows, by name")).action((opts: OutputOptions) =>
    withClient(async (client) => {
      const all = await allNodes(
        async (after) => (await client.request(CliFlowsDocument, { first: 100, after })).flows,
      );
      all.sort((a, b) => a.name.localeCompare(b.name));
      if (opts.json) return printJson(all.map((f) => jsonRow(f)));
      printRows(
        all,
        [
          ["name", (f) => f.name],
          ["id", (f) => f.id],
          ["deployments", (f) => f.deployments.totalCount],
          ["created", (f) => formatTime(f.created)],
        ],
        opts,
        "no flows yet (applying a deployment registers its flow)",
      );
    }),
  );

  withJsonOption(
    flow
      .command("inspect")
      .description("show a flow and its deployments")
      .argument("<flow>", "the flow's name (or id)"),
  ).action((ref: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const found = (await client.request(CliFlowDocument, isId(ref) ? { id: ref } : { name: ref })).flow;
      if (!found) throw new CliError(`no flow "${ref}" (\`ordo flow ls\` lists them)`);
      if (opts.json)
        return printJson(
          jsonRow(
            found,
            found.all.edges.map((e) => e.node.slug),
          ),
        );
      printObject(
        {
          name: found.name,
          id: found.id,
          tags: found.tags.join(", ") || "—",
          deployments: found.all.edges.map((e) => e.node.slug).join(", ") || "—",
          created: formatTime(found.created),
          updated: formatTime(found.updated),
        },
        {},
      );
    }),
  );
}

function jsonRow(f: CliFlowRowFragment, deployments?: string[]) {
  return {
    id: f.id,
    name: f.name,
    tags: f.tags,
    created: f.created,
    updated: f.updated,
    deploymentCount: f.deployments.totalCount,
    ...(deployments ? { deployments } : {}),
  };
}
