// Two concurrent PENDING proposals for one SCHEDULED run: exactly one claim wins (DESIGN invariant 2).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, operationText } from "../harness/documents.js";
import { startReplica } from "../harness/replica.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const CLAIM = graphql(`
  mutation Claim($input: SetFlowRunStateInput!) {
    setFlowRunState(input: $input) { status reason state { id type } }
  }
`);

const HISTORY = graphql(`
  query History($id: ID!) { flowRun(id: $id) { stateType states { id type } } }
`);

const RUNS = 30;

let t: TestApp;
let deploymentId: string;

beforeAll(async () => {
  t = await createTestApp();
  deploymentId = (await applyDeployment(t, { flowName: "race", name: "d", workPoolName: "race-pool" })).id;
});
afterAll(async () => {
  await t.close();
});

async function newRuns(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await createRun(t, deploymentId));
  return ids;
}

function claim(flowRunId: string) {
  return t.gql(CLAIM, { input: { flowRunId, state: { type: "PENDING" } } });
}

type ClaimAnswer = Awaited<ReturnType<typeof claim>>;

/** A second server process on the same database; claims do not depend on time. */
async function startClaimingReplica(
  of: TestApp,
): Promise<{ claim(id: string): Promise<ClaimAnswer>; stop(): Promise<void> }> {
  const replica = await startReplica(of);
  return {
    // the replica takes a document's text
    claim: (flowRunId) => replica.gql(operationText(CLAIM), { input: { flowRunId, state: { type: "PENDING" } } }),
    stop: () => replica.stop(),
  };
}

/** Both answers of one race, then the run's stored history. */
async function expectOneWinner(flowRunId: string, answers: ClaimAnswer[]): Promise<void> {
  for (const a of answers) expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
  const results = answers.map((a) => a.data!.setFlowRunState);
  expect(results.map((r) => r.status).sort(), flowRunId).toEqual(["ABORT", "ACCEPT"]);
  const winner = results.find((r) => r.status === "ACCEPT")!;
  const loser = results.find((r) => r.status === "ABORT")!;
  expect(winner.state.type).toBe("PENDING");
  // the loser is told about the winner's claim, not about the state it read before the lock
  expect(loser.state).toEqual(winner.state);
  expect(loser.reason).toMatch(/PENDING state and cannot transition to a PENDING state/);
  const run = (await t.ok(HISTORY, { id: flowRunId })).flowRun;
  expect(run.stateType).toBe("PENDING");
  expect(run.states.map((s) => s.type)).toEqual(["SCHEDULED", "PENDING"]);
  expect(run.states[1]!.id).toBe(winner.state.id);
}

describe("concurrent claims", () => {
  it(`lets exactly one of two simultaneous PENDING proposals win, for ${RUNS} runs one after another`, async () => {
    const ids = await newRuns(RUNS);
    for (const id of ids) {
      const answers = await Promise.all([claim(id), claim(id)]);
      await expectOneWinner(id, answers);
    }
  });

  it(`lets exactly one claim win per run when ${RUNS} races run at the same time`, async () => {
    const ids = await newRuns(RUNS);
    const races = await Promise.all(ids.map((id) => Promise.all([claim(id), claim(id)])));
    for (let i = 0; i < ids.length; i++) await expectOneWinner(ids[i]!, races[i]!);
  });

  it(`lets exactly one claim win when a second server process on the same database races, for ${RUNS} runs`, async () => {
    // Another process has its own connection, so the two transactions really contend in the
    // database (in one process the SQLite adapter's mutex would serialise them anyway).
    const replica = await startClaimingReplica(t);
    try {
      const ids = await newRuns(RUNS);
      for (const id of ids) {
        const answers = await Promise.all([claim(id), replica.claim(id)]);
        await expectOneWinner(id, answers);
      }
    } finally {
      await replica.stop();
    }
  });
});
