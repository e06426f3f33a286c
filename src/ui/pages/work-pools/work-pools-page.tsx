// Work pools (to be built).
export function WorkPoolsPage() {
  return <h1>Work pools</h1>;
}
