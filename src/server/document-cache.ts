// yoga's parse cache, bounded by the text it holds rather than by entries: yoga keeps 1,024
// documents (and parse errors) for an hour, keyed by their text, so distinct large documents pinned
// ~1.5 MB each (300 of 5,000 tokens: +443 MB) and a 25 MB body could be kept a thousand times.
import type { DocumentNode } from "graphql";

/** Least recently used first out, once the keys' total length passes `maxChars`. */
export class TextBoundedCache<T> {
  private readonly entries = new Map<string, T>();
  private chars = 0;
  constructor(
    private readonly maxChars: number,
    /** a longer document is not cached at all: one request must not evict every client's queries */
    private readonly maxEntryChars: number,
  ) {}

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key); // re-inserted: Map order is recency order
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    if (key.length > this.maxEntryChars || this.entries.has(key)) return;
    this.entries.set(key, value);
    this.chars += key.length;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}

/**
 * For createYoga's parserAndValidationCache: the client operations are 1–4 KB each, so 1 MB of
 * text keeps all of them (and a UI's) while bounding the parsed trees to a few tens of MB.
 */
export function boundedParserCache(): {
  documentCache: TextBoundedCache<DocumentNode>;
  errorCache: TextBoundedCache<unknown>;
} {
  return { documentCache: new TextBoundedCache(1_000_000, 16_000), errorCache: new TextBoundedCache(100_000, 16_000) };
}
