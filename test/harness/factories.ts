// Shared setup mutations for tests (apply a deployment, create a run), through a TestApp or a LiveServer alike.
import type { DeploymentInput } from "./generated/graphql.js";
import { type GraphQLClient, graphql } from "./documents.js";

export type { GraphQLClient } from "./documents.js";

export interface AppliedDeployment {
  id: string;
  name: string;
  slug: string;
  /** false when the apply updated (or left alone) an existing deployment */
  created: boolean;
}

const APPLY = graphql(`
  mutation FactoryApplyDeployment($input: DeploymentInput!) {
    applyDeployment(input: $input) { created deployment { id name slug } }
  }
`);

const CREATE_RUN = graphql(`
  mutation FactoryCreateRun($input: CreateFlowRunInput!) { createFlowRun(input: $input) { id } }
`);

/** Applies `input` (a DeploymentInput) and returns the deployment; tests that read more fields query them. */
export async function applyDeployment(
  client: GraphQLClient,
  input: { flowName: string; name: string } & Record<string, unknown>,
): Promise<AppliedDeployment> {
  // tests pass inputs of their own making, some deliberately loose: the server checks them
  const r = await client.ok(APPLY, { input: input as DeploymentInput });
  return { ...r.applyDeployment.deployment, created: r.applyDeployment.created };
}

/**
 * Creates a run of a deployment given by id or by slug ("flow/name": the only form with a slash) and
 * returns its id; `extra` adds CreateFlowRunInput fields (parameters, scheduledStartTime …).
 */
export async function createRun(
  client: GraphQLClient,
  deployment: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const target = deployment.includes("/") ? { deploymentSlug: deployment } : { deploymentId: deployment };
  const r = await client.ok(CREATE_RUN, { input: { ...target, ...extra } });
  return r.createFlowRun.id;
}
