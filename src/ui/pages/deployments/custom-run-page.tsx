// Custom run (to be built).
export function CustomRunPage() {
  return <h1>Custom run</h1>;
}
