import { describe, expect, it } from "vitest";
import { TextBoundedCache } from "./document-cache.js";

describe("TextBoundedCache", () => {
  it("evicts the least recently used once the keys pass the text budget", () => {
    const cache = new TextBoundedCache<number>(10, 10);
    cache.set("aaaa", 1);
    cache.set("bbbb", 2);
    expect(cache.get("aaaa")).toBe(1); // now the most recent
    cache.set("cccc", 3); // 12 chars: "bbbb" goes
    expect([cache.get("aaaa"), cache.get("bbbb"), cache.get("cccc")]).toEqual([1, undefined, 3]);
  });

  it("does not cache a document longer than one entry may be", () => {
    const cache = new TextBoundedCache<number>(100, 10);
    cache.set("a".repeat(11), 1);
    expect(cache.get("a".repeat(11))).toBeUndefined();
  });
});
