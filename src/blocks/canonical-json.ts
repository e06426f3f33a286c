// JSON with object keys sorted at every depth: the one canonical form for comparing or hashing
// JSON documents (block schemas, deployment fields, inline block specs) whatever their key order.
// It lives in blocks/ because that is the lowest layer both the domain and the CLI may import.

/**
 * Same output as JSON.stringify apart from key order: PostgreSQL's JSONB reorders keys, and two
 * YAML files may list the same keys differently, yet both must compare (and hash) equal.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}
