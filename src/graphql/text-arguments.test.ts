// findBadText: NUL and lone surrogates anywhere in an argument (strings, list items, JSON keys and
// values), reported with the path and the reason; well-formed text (astral characters included) passes.
import { describe, expect, it } from "vitest";
import { findBadText } from "./text-arguments.js";

describe("findBadText", () => {
  it.each([
    ["a lone high surrogate", { flowName: "f\uD800" }, "input.flowName", /lone surrogate/],
    ["a lone low surrogate", { flowName: "\uDC00f" }, "input.flowName", /lone surrogate/],
    ["a high surrogate at the end", { tags: ["ok", "a\uDBFF"] }, "input.tags[1]", /lone surrogate/],
    ["two high surrogates", { name: "\uD800\uD800\uDC00" }, "input.name", /lone surrogate/],
    ["in a JSON value", { parameters: { a: { b: ["\uD800"] } } }, "input.parameters.a.b[0]", /lone surrogate/],
    [
      "in a JSON key, shown escaped",
      { parameters: { "k\uD800": 1 } },
      "input.parameters.k\\uD800",
      /^keys must be valid UTF-16/,
    ],
    ["a NUL", { name: "a\u0000b" }, "input.name", /NUL/],
    [
      "a NUL in a key, shown escaped",
      { parameters: { "a\u0000": 1 } },
      "input.parameters.a\\u0000",
      /^keys must not contain the NUL/,
    ],
  ])("%s", (_what, value, field, problem) => {
    const found = findBadText(value, "input");
    expect(found?.field).toBe(field);
    expect(found?.problem).toMatch(problem);
  });

  it("passes well-formed text, surrogate pairs (emoji) included", () => {
    expect(
      findBadText(
        { name: "flow 🚀", tags: ["é", "日本"], parameters: { "😀": ["\uD83D\uDE00"] }, when: new Date() },
        "input",
      ),
    ).toBeNull();
  });
});
