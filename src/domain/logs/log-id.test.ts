// nextLogId: UUIDv7-shaped ids whose text order is their creation order, also within one millisecond.
import { describe, expect, it } from "vitest";
import { nextLogId } from "./log-id.js";

describe("nextLogId", () => {
  it("increases as text, within one millisecond and past 4,096 ids in it", () => {
    const ids = Array.from({ length: 10_000 }, () => nextLogId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 3))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // a clock that steps back does not make smaller ids
    expect(nextLogId(1_700_000_000_000) > ids.at(-1)!).toBe(true);
  });
});
