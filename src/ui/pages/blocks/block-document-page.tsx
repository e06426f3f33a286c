// Block document (to be built).
export function BlockDocumentPage() {
  return <h1>Block document</h1>;
}
