import { describe, expect, it } from "vitest";
import { parseBlockSlug, parsePlainBlockSlug } from "./block-slug.js";

describe("parseBlockSlug", () => {
  it("splits type/name and a sub-path", () => {
    expect(parseBlockSlug("local-file-system/code")).toEqual({ type: "local-file-system", name: "code", subPath: [] });
    expect(parseBlockSlug("s3/bucket/a/b")).toEqual({ type: "s3", name: "bucket", subPath: ["a", "b"] });
  });

  it.each(["", "s3", "/name", "s3/", "s3//x", "s3/bucket/", "s3/bucket//a"])("refuses %j: an empty segment", (slug) => {
    expect(parseBlockSlug(slug)).toBeNull();
  });
});

describe("parsePlainBlockSlug", () => {
  it("takes type/name only", () => {
    expect(parsePlainBlockSlug("s3/bucket")).toEqual({ type: "s3", name: "bucket" });
    expect(parsePlainBlockSlug("s3/bucket/a")).toBeNull();
    expect(parsePlainBlockSlug(null)).toBeNull();
    expect(parsePlainBlockSlug(undefined)).toBeNull();
    expect(parsePlainBlockSlug("s3")).toBeNull();
  });
});
