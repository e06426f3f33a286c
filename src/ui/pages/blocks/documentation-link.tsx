// A block type's documentation link, opening in a new tab (and saying so to screen readers).
export function DocumentationLink({ name, url }: { name: string; url: string }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noreferrer"
      className="block-doc-link"
      aria-label={`Documentation of ${name} (opens a new tab)`}
    >
      Documentation ↗
    </a>
  );
}
