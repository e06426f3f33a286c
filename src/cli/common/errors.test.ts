// describeError: one line per failure, without repeating what the server's message already says.
import { describe, expect, it } from "vitest";
import { OrdoApiError } from "../../client/ordo-client.js";
import { describeError } from "./errors.js";

const url = "http://127.0.0.1:1/graphql";

describe("describeError", () => {
  it("does not repeat the issues a VALIDATION_FAILED message already lists", () => {
    const issues = [{ path: "/apiToken", message: "must NOT have fewer than 1 characters" }];
    const e = new OrdoApiError(
      "data failed validation: /apiToken must NOT have fewer than 1 characters",
      "VALIDATION_FAILED",
      "input.data",
      issues,
    );
    const line = describeError(e, url);
    expect(line).toBe(
      "data failed validation: /apiToken must NOT have fewer than 1 characters (input.data) [VALIDATION_FAILED]",
    );
  });

  it("adds the issues when the message does not carry them", () => {
    const e = new OrdoApiError("bad job variables", "VALIDATION_FAILED", "input.jobVariables", [
      { path: "/image", message: "must be string" },
    ]);
    expect(describeError(e, url)).toBe(
      "bad job variables (input.jobVariables): /image must be string [VALIDATION_FAILED]",
    );
  });

  it("says in one line that the server's database is unavailable, after the client's retries", () => {
    const e = new OrdoApiError(
      "The Ordo server cannot reach its database right now; retry with backoff.",
      "SERVICE_UNAVAILABLE",
      undefined,
    );
    expect(describeError(e, url)).toBe(
      `the Ordo server's database is unavailable (the server at ${url} answered SERVICE_UNAVAILABLE for 30 s); try again later`,
    );
  });

  it("names the address when the server cannot be reached", () => {
    expect(describeError(new TypeError("fetch failed"), url)).toContain(`cannot reach the Ordo server at ${url}`);
  });
});
