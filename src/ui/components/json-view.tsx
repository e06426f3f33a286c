// A JSON value shown as indented text (parameters, job configuration, block data).
export function JsonView({ value, label }: { value: unknown; label: string }) {
  // a named region: a long value scrolls inside it
  return (
    <section className="json" aria-label={label}>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </section>
  );
}
