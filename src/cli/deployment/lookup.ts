// Finding the deployment a command names: FLOW/NAME (Prefect's flow_name/deployment_name) or an id.
import { CliDeploymentGetDocument, type CliDeploymentDetailFragment } from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import { isId } from "../common/connections.js";
import { CliError } from "../common/errors.js";

export const DEPLOYMENT_ARGUMENT = "FLOW/NAME: the flow's name and the deployment's (or the deployment's id)";

export async function findDeployment(client: OrdoClient, ref: string): Promise<CliDeploymentDetailFragment> {
  // the server owns the slug rule (a malformed slug finds nothing): the CLI may not import the
  // domain's parser, and a second copy here had already drifted from it
  const found = (await client.request(CliDeploymentGetDocument, isId(ref) ? { id: ref } : { slug: ref })).deployment;
  if (!found)
    throw new CliError(
      `no deployment "${ref}" (name the deployment as FLOW/NAME, e.g. hello-world/daily, or by its id; \`ordo deployment ls\` lists them)`,
    );
  return found;
}
