// How the plugin reads the engine's errors: which ones mean the container is already gone.
import { describe, expect, it } from "vitest";
import { containerGone } from "./engine.js";

/** An error as docker-modem builds it from an engine's answer. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message}`), {
    statusCode,
    json: { message },
  });
}

describe("containerGone", () => {
  it("is true for a 404, and for podman's 500 while the container is being removed", () => {
    expect(containerGone(engineError(404, "no such container: abc"))).toBe(true);
    // seen on CI: kill's inspect racing the run's own clean-up of the container it just stopped
    expect(containerGone(engineError(500, "container 7ffe9f01 does not exist in database: no such container"))).toBe(
      true,
    );
  });

  it("is false for other failures, including other 500s", () => {
    expect(containerGone(engineError(500, "runtime error: permission denied"))).toBe(false);
    expect(containerGone(engineError(409, "container is not running"))).toBe(false);
    expect(containerGone(new Error("connect ECONNREFUSED /run/podman.sock"))).toBe(false);
  });
});
