// createMaskError: an outage becomes SERVICE_UNAVAILABLE with HTTP 503 (logged briefly, no id); a
// bug becomes INTERNAL_SERVER_ERROR with an errorId that is also the one logged; domain errors keep theirs.
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { ConflictError } from "../domain/errors.js";
import { SubscriberTooSlowError } from "../events/bounded-pub-sub.js";
import { createMaskError } from "./errors.js";

const outage = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
const isUnavailable = (e: unknown) => e === outage;

/** A resolver's error as graphql-js hands it to the mask. */
const fromResolver = (original: Error) =>
  new GraphQLError(original.message, { path: ["flowRuns"], originalError: original });

function mask() {
  const internal: Array<{ error: unknown; errorId: string }> = [];
  const outages: unknown[] = [];
  const fn = createMaskError((error, errorId) => internal.push({ error, errorId }), {
    isUnavailable,
    logUnavailable: (e) => outages.push(e),
  });
  return { fn, internal, outages };
}

describe("createMaskError", () => {
  it("an outage in a resolver: SERVICE_UNAVAILABLE, HTTP 503 with Retry-After, not logged as a bug", () => {
    const m = mask();
    const masked = m.fn(fromResolver(outage), "Unexpected error.") as GraphQLError;
    expect(masked.extensions).toEqual({
      code: "SERVICE_UNAVAILABLE",
      http: { status: 503, headers: { "retry-after": "1" } },
    });
    expect(masked.path).toEqual(["flowRuns"]);
    expect(masked.message).not.toMatch(/administrator|57P01/);
    expect(m.outages).toEqual([outage]);
    expect(m.internal).toEqual([]);
  });

  it("an outage outside execution (the context factory authenticating): SERVICE_UNAVAILABLE too", () => {
    const m = mask();
    expect((m.fn(outage, "Unexpected error.") as GraphQLError).extensions.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("a bug: INTERNAL_SERVER_ERROR with an errorId, logged under the same id, nothing of the error shown", () => {
    const m = mask();
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    const a = m.fn(fromResolver(bug), "Unexpected error.") as GraphQLError;
    const b = m.fn(bug, "Unexpected error.") as GraphQLError;
    expect(a.message).toBe("Unexpected error.");
    expect(a.extensions.code).toBe("INTERNAL_SERVER_ERROR");
    expect(a.extensions.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.extensions.errorId).not.toBe(a.extensions.errorId);
    expect(m.internal).toEqual([
      { error: bug, errorId: a.extensions.errorId },
      { error: bug, errorId: b.extensions.errorId },
    ]);
    expect(JSON.stringify(a)).not.toContain("properties of undefined");
  });

  it("a subscription ended for falling behind: SUBSCRIPTION_TOO_SLOW with its reason, not a masked bug", () => {
    const m = mask();
    // as a subscription's result stream throws it: not wrapped by a resolver
    const ended = m.fn(new SubscriberTooSlowError("results"), "Unexpected error.") as GraphQLError;
    expect(ended.extensions.code).toBe("SUBSCRIPTION_TOO_SLOW");
    expect(ended.message).toMatch(/fell more than 20000 results behind and was ended; subscribe again/);
    expect(m.internal).toEqual([]);
  });

  it("without an outage check (as before) every unexpected error is INTERNAL_SERVER_ERROR", () => {
    const masked = createMaskError(() => {})(fromResolver(outage), "Unexpected error.") as GraphQLError;
    expect(masked.extensions.code).toBe("INTERNAL_SERVER_ERROR");
  });

  it("domain errors keep their code and field", () => {
    const masked = mask().fn(
      fromResolver(new ConflictError("name taken", "input.name")),
      "Unexpected error.",
    ) as GraphQLError;
    expect(masked.extensions).toEqual({ code: "CONFLICT", field: "input.name" });
  });
});
