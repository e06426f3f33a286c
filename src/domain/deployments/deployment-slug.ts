// The deployment slug "flowName/deploymentName" (Prefect's flow_name/deployment_name): the one
// parser behind the deployment(slug) query and createFlowRun's deploymentSlug.

export interface DeploymentSlug {
  flowName: string;
  name: string;
}

/**
 * Split at the last "/", or null when either side would be empty ("x", "/x", "x/"). Names may not
 * contain "/" (names.ts), so a slug with several only parses to a flow name no flow has: it is
 * "not found", as before, rather than a malformed-slug error.
 */
export function parseDeploymentSlug(slug: string): DeploymentSlug | null {
  const cut = slug.lastIndexOf("/");
  if (cut <= 0 || cut === slug.length - 1) return null;
  return { flowName: slug.slice(0, cut), name: slug.slice(cut + 1) };
}
