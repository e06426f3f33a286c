// Blocks (to be built).
export function BlocksPage() {
  return <h1>Blocks</h1>;
}
