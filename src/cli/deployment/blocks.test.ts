import { describe, expect, it } from "vitest";
import { inlineSlug } from "./blocks.js";

describe("inlineSlug", () => {
  // the hash names blocks already stored: it must not move when the canonical JSON is shared
  it("names an inline block by its content, as before the canonical JSON was shared", () => {
    const spec = {
      type: "process",
      env: { B: "2", A: "1" },
      command: ["python", "-m", "x"],
      stream_output: true,
      working_dir: null,
      n: 1.5,
    };
    expect(inlineSlug(spec)).toBe("process/anonymous-770d414818ca489d8eaca61e");
  });

  it("ignores key order", () => {
    expect(inlineSlug({ type: "process", a: 1, b: { d: 2, c: 3 } })).toBe(
      inlineSlug({ b: { c: 3, d: 2 }, a: 1, type: "process" }),
    );
  });
});
