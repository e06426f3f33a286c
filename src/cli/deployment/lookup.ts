// Finding the deployment a command names: FLOW/NAME (Prefect's flow_name/deployment_name) or an id.
import { CliDeploymentGetDocument, type CliDeploymentDetailFragment } from "../../client/generated/graphql.js";
import type { OrdoClient } from "../../client/ordo-client.js";
import { CliError } from "../common/errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEPLOYMENT_ARGUMENT = "FLOW/NAME: the flow's name and the deployment's (or the deployment's id)";

export async function findDeployment(client: OrdoClient, ref: string): Promise<CliDeploymentDetailFragment> {
  const byId = UUID.test(ref);
  if (!byId && ref.lastIndexOf("/") <= 0) throw new CliError(`name the deployment as FLOW/NAME, e.g. hello-world/daily, not "${ref}"`);
  const found = (await client.request(CliDeploymentGetDocument, byId ? { id: ref } : { slug: ref })).deployment;
  if (!found) throw new CliError(`no deployment "${ref}" (\`ordo deployment ls\` lists them)`);
  return found;
}
