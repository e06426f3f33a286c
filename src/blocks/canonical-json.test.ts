import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts object keys at every depth, arrays keep their order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("equal documents in any key order give the same text", () => {
    expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
    expect(canonicalJson({ x: [1, 2] })).not.toBe(canonicalJson({ x: [2, 1] }));
  });

  it("is JSON.stringify for scalars", () => {
    for (const v of [null, 0, -1.5, 'a"b', true, ""]) expect(canonicalJson(v)).toBe(JSON.stringify(v));
  });

  // the CLI's former copy printed `"k":undefined` and `{}` for a Date: JSON.stringify's rules won
  it("follows JSON.stringify for what JSON cannot hold", () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
    expect(canonicalJson([undefined])).toBe("[null]");
    expect(canonicalJson({ at: new Date("2024-01-02T03:04:05Z") })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });
});
