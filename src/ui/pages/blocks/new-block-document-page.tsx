// New block document (to be built).
export function NewBlockDocumentPage() {
  return <h1>New block document</h1>;
}
