// Work pool (to be built).
export function WorkPoolPage() {
  return <h1>Work pool</h1>;
}
