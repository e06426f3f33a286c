import { describe, expect, it } from "vitest";
import { BadUserInputError } from "./errors.js";
import { LIMITS } from "./limits.js";
import { checkName, checkOptionalName } from "./names.js";

describe("checkName", () => {
  it("returns a good name as it is", () => {
    expect(checkName("hello-world", "f")).toBe("hello-world");
    expect(checkName(" spaced name ", "f")).toBe(" spaced name ");
    expect(checkName("x".repeat(LIMITS.nameLength), "f")).toHaveLength(LIMITS.nameLength);
  });

  it.each(["", "   "])("refuses the empty name %j", (name) => {
    expect(() => checkName(name, "input.name")).toThrow(/input.name must not be empty/);
  });

  it("caps the length", () => {
    expect(() => checkName("x".repeat(LIMITS.nameLength + 1), "input.name")).toThrow(
      `at most ${LIMITS.nameLength} characters`,
    );
  });

  // names appear in slugs ("flow/deployment") and URLs
  it.each(["a/b", "50%", "a&b", "a>b", "a<b"])("refuses %j", (name) => {
    const e = (() => {
      try {
        checkName(name, "input.name");
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(BadUserInputError);
    expect((e as BadUserInputError).message).toBe("input.name must not contain / % & > or <");
  });

  it("checkOptionalName lets null and undefined through, checks the rest", () => {
    expect(checkOptionalName(null, "f")).toBeNull();
    expect(checkOptionalName(undefined, "f")).toBeUndefined();
    expect(() => checkOptionalName("a/b", "f")).toThrow(BadUserInputError);
  });
});
