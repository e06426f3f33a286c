// Shared assertions for bad-input tests (DESIGN invariant 8): the coded error naming the field, no
// stack, file path, SQL or forbidden text in what the client sees or the server logs, and nothing
// written (the caller's snapshot before and after must be equal).
import { expect, vi } from "vitest";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { operationText } from "./documents.js";
import type { GraphQLResponse, TestApp } from "./test-app.js";

/** Row counts of the tables a bad input could write to. */
export async function tableCounts(t: TestApp) {
  const db = t.app.database.client;
  const [flow, deployment, deploymentSchedule, flowRun, flowRunState, workPool, workQueue, log, blockDocument] =
    await Promise.all([
      db.flow.count(),
      db.deployment.count(),
      db.deploymentSchedule.count(),
      db.flowRun.count(),
      db.flowRunState.count(),
      db.workPool.count(),
      db.workQueue.count(),
      db.log.count(),
      db.blockDocument.count(),
    ]);
  return { flow, deployment, deploymentSchedule, flowRun, flowRunState, workPool, workQueue, log, blockDocument };
}

export type GraphQLErrorBody = NonNullable<GraphQLResponse["errors"]>[number];

export interface Expected {
  code: string;
  /** extensions.field; null: must be absent */
  field?: string | null;
}

/** No stack frames, file paths or SQL anywhere in what the client sees. */
export function expectNoLeak(error: GraphQLErrorBody): void {
  const text = JSON.stringify(error);
  expect(text).not.toMatch(/\n\s+at |\bat .*\.[jt]s:\d+|node_modules|\/src\/|stacktrace|exception/i);
  expect(text).not.toMatch(
    /\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b|prisma|sqlite|postgres/i,
  );
}

/**
 * Returns `expectRejected(query, variables, expected)` bound to an app and a snapshot of what must
 * not change; `secret`, when given, must appear neither in the response nor in the server's log.
 */
export function rejectionChecker(t: () => TestApp, snapshot: () => Promise<unknown>, opts: { secret?: string } = {}) {
  return async function expectRejected(
    // a typed document checks its fields against the schema; its variables stay loose, bad on purpose
    query: TypedDocumentNode<unknown, any> | string,
    variables: Record<string, unknown> | undefined,
    expected: Expected,
  ): Promise<GraphQLErrorBody> {
    const before = await snapshot();
    const logged: string[] = [];
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    let res: GraphQLResponse;
    try {
      res = await t().gql(operationText(query), variables);
    } finally {
      stderr.mockRestore();
    }
    const text = JSON.stringify(res);
    // bad input is the client's mistake: not logged as an internal error
    expect(logged.join("")).not.toMatch(/internal error/i);
    if (opts.secret) {
      expect(logged.join("")).not.toContain(opts.secret);
      expect(text).not.toContain(opts.secret);
    }
    expect(res.errors?.length, text).toBeGreaterThanOrEqual(1);
    // graphql-js may report one bad value twice (e.g. an unknown key also breaks @oneOf): all coded alike
    for (const e of res.errors!) {
      expect(e.extensions?.code, JSON.stringify(e)).toBe(expected.code);
      expect(e.message.length).toBeGreaterThan(0);
      expectNoLeak(e);
    }
    const error = res.errors![0]!;
    if (expected.field !== undefined)
      expect(error.extensions?.field ?? null, JSON.stringify(error)).toBe(expected.field);
    // a failed mutation returns no data for its field
    if (res.data) for (const v of Object.values(res.data)) expect(v).toBeNull();
    expect(await snapshot()).toEqual(before);
    return error;
  };
}
