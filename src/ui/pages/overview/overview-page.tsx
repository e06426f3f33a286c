// Overview (to be built).
export function OverviewPage() {
  return <h1>Overview</h1>;
}
