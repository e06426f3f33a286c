// A block type's logo, or its initial when the logo could not load here: the page's
// Content-Security-Policy allows images from this origin and data: URLs only, and a blocked image
// would be an error in the console.
export function isLoadableLogo(url: string | null | undefined): url is string {
  return !!url && (url.startsWith("data:") || (url.startsWith("/") && !url.startsWith("//")));
}

export function BlockTypeLogo({ name, logoUrl }: { name: string; logoUrl: string | null | undefined }) {
  if (isLoadableLogo(logoUrl)) return <img className="block-logo" src={logoUrl} alt="" width={40} height={40} />;
  return (
    <span className="block-logo letter" aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || "?"}
    </span>
  );
}
