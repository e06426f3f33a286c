import { describe, expect, it } from "vitest";
import { parseDeploymentSlug } from "./deployment-slug.js";

describe("parseDeploymentSlug", () => {
  it("splits flowName/deploymentName", () => {
    expect(parseDeploymentSlug("hello-world/daily")).toEqual({ flowName: "hello-world", name: "daily" });
  });

  it.each(["", "daily", "/daily", "hello-world/", "/"])("refuses %j: a side is empty", (slug) => {
    expect(parseDeploymentSlug(slug)).toBeNull();
  });

  it("splits several slashes at the last one", () => {
    expect(parseDeploymentSlug("a/b/c")).toEqual({ flowName: "a/b", name: "c" });
    expect(parseDeploymentSlug("//c")).toEqual({ flowName: "/", name: "c" });
  });

  it("keeps spaces and other characters as they are", () => {
    expect(parseDeploymentSlug(" my flow / my deployment ")).toEqual({
      flowName: " my flow ",
      name: " my deployment ",
    });
  });
});
