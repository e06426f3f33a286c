// Flow run (to be built).
export function FlowRunPage() {
  return <h1>Flow run</h1>;
}
