// Deployments (to be built).
export function DeploymentsPage() {
  return <h1>Deployments</h1>;
}
