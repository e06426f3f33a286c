// Claims at scale (issue 5 acceptance): 16 concurrent claimers over the API take 500 due runs
// from three prioritized queues of one pool — each run exactly once, no pool, queue or deployment
// limit exceeded at any moment, and a lower-priority queue served only when no higher one could be.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { insertScheduledRuns, type ScheduledRunRow } from "../../src/db/insert-scheduled-runs.js";
import { inTransaction } from "../../src/db/transaction.js";
import { tagsKey } from "../../src/domain/json.js";
import { peakConcurrency, runHistories, slotSpan, type RunHistory } from "../harness/run-histories.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

const POOL = "acceptance";
const POOL_LIMIT = 8;
/** Queue and deployment limits add up to more than the pool's: the pool limit binds too. */
const QUEUES = [
  { name: "high", priority: 1, limit: 4 },
  { name: "mid", priority: 2, limit: 3 },
  { name: "low", priority: 3, limit: null },
] as const;
/**
 * Runs per deployment. "low" is held to two runs at a time by its deployment's limit (ENQUEUE).
 * 500 in all (it was 2,000, then 1,000): 16 claimers still race for every batch, the limits
 * still bind at every moment and the priority order is still decided hundreds of times; the
 * smaller set keeps CI under ten minutes on both databases.
 */
const DEPLOYMENTS = [
  { name: "high", queue: "high", runs: 175, limit: null },
  { name: "mid", queue: "mid", runs: 175, limit: null },
  { name: "low", queue: "low", runs: 150, limit: 2 },
] as const;
const TOTAL = DEPLOYMENTS.reduce((n, d) => n + d.runs, 0);
const CLAIMERS = 16;
/** No run changing state for this long means the claimers are stuck (not a speed requirement). */
const STALL_MS = 60_000;

const CLAIM = graphql(`mutation($input: ClaimFlowRunsInput!) { claimFlowRuns(input: $input) { id stateType } }`);
const SET = graphql(`
  mutation($id: ID!, $type: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $type } }) { status reason } }
`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** The pool, its queues and deployments over the API; returns deployment name → id. */
async function setUp(): Promise<Map<string, string>> {
  await t.ok(graphql(`mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { id } }`), {
    i: { name: POOL, type: "process", concurrencyLimit: POOL_LIMIT },
  });
  for (const q of QUEUES) {
    await t.ok(graphql(`mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`), {
      i: { workPoolName: POOL, name: q.name, priority: q.priority, concurrencyLimit: q.limit },
    });
  }
  const ids = new Map<string, string>();
  for (const d of DEPLOYMENTS) {
    const applied = await applyDeployment(t, {
      flowName: "acceptance",
      name: d.name,
      workPoolName: POOL,
      workQueueName: d.queue,
      concurrencyLimit: d.limit,
      collisionStrategy: "ENQUEUE",
    });
    ids.set(d.name, applied.id);
  }
  return ids;
}

/**
 * TOTAL due SCHEDULED runs inserted the way the scheduler inserts them (one multi-row insert per
 * 500, with their first state), a second apart and interleaved across deployments, all in the past.
 */
async function insertRuns(deploymentIds: Map<string, string>): Promise<string[]> {
  const db = t.app.database;
  const deployments = await db.client.deployment.findMany({
    where: { id: { in: [...deploymentIds.values()] } },
    select: { id: true, flowId: true, workQueueId: true, workQueueName: true },
  });
  const byId = new Map(deployments.map((d) => [d.id, d]));
  // round-robin over the deployments, so every queue has old and new runs
  const order: string[] = [];
  const left = new Map(DEPLOYMENTS.map((d) => [d.name, d.runs as number]));
  while (order.length < TOTAL) {
    for (const d of DEPLOYMENTS) {
      if (left.get(d.name)! > 0) {
        order.push(d.name);
        left.set(d.name, left.get(d.name)! - 1);
      }
    }
  }
  const now = t.clock.now();
  const rows: ScheduledRunRow[] = order.map((name, i) => {
    const d = byId.get(deploymentIds.get(name)!)!;
    const start = new Date(now.getTime() - (TOTAL - i) * 1000);
    return {
      id: randomUUID(),
      stateId: randomUUID(),
      name: `acceptance-${i}`,
      flowId: d.flowId,
      deploymentId: d.id,
      deploymentVersion: null,
      parameters: { i },
      tags: [],
      tagsKey: tagsKey([]),
      idempotencyKey: `acceptance:${i}`,
      scheduleKey: "acceptance",
      workQueueId: d.workQueueId,
      workQueueName: d.workQueueName,
      start,
    };
  });
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    ids.push(...(await inTransaction(db, (tx) => insertScheduledRuns(db, tx, rows.slice(i, i + 500), now))));
  }
  return ids;
}

interface Claim {
  worker: string;
  /** in the order the claim returned them (its priority order) */
  ids: string[];
  /** client clock (performance.now) when the request went out: the claim's transaction began later */
  sentAt: number;
}

interface Claimed {
  claims: Claim[];
  /** client clock when each run's COMPLETED was answered: that state had committed by then */
  completedAt: Map<string, number>;
}

/**
 * CLAIMERS workers claiming in a loop (limits 2–4), each taking what it claimed through RUNNING
 * to COMPLETED (its runs side by side, as a worker runs them) before claiming again, until every
 * run is done.
 */
async function claimAll(total: number): Promise<Claimed> {
  const claims: Claim[] = [];
  const completedAt = new Map<string, number>();
  const owner = new Map<string, string>();
  let lastProgress = Date.now();
  const claimer = async (worker: string, limit: number) => {
    while (completedAt.size < total) {
      if (Date.now() - lastProgress > STALL_MS)
        throw new Error(`no progress for ${STALL_MS} ms with ${completedAt.size}/${total} runs completed`);
      const sentAt = performance.now();
      const r = await t.gql(CLAIM, { input: { workPoolName: POOL, workerName: worker, limit } });
      if (r.errors) throw new Error(`${worker}: ${JSON.stringify(r.errors)}`);
      const got = r.data!.claimFlowRuns;
      if (got.length === 0) {
        // every slot is taken (or the runs left are held back): let the holders finish. A claimer's
        // back-off (the load, not a wait: STALL_MS bounds the loop)
        await new Promise((res) => setTimeout(res, 5));
        continue;
      }
      claims.push({ worker, ids: got.map((x) => x.id), sentAt });
      for (const run of got) {
        expect(run.stateType).toBe("PENDING");
        expect(owner.get(run.id), `run ${run.id} claimed by ${owner.get(run.id)} and ${worker}`).toBeUndefined();
        owner.set(run.id, worker);
      }
      await Promise.all(
        got.map(async (run) => {
          for (const type of ["RUNNING", "COMPLETED"] as const) {
            const s = await t.ok(SET, { id: run.id, type });
            expect(s.setFlowRunState, `${type} of ${run.id}`).toMatchObject({ status: "ACCEPT" });
          }
          completedAt.set(run.id, performance.now());
          lastProgress = Date.now();
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => claimer(`claimer-${i}`, 2 + (i % 3))));
  return { claims, completedAt };
}

interface PriorityViolation {
  run: string;
  queue: string;
  passedOver: string;
  claimablePassedOver: number;
  active: number;
}

/**
 * Runs claimed from a queue while a higher-priority queue still had a claimable run. Claims on one
 * pool are serialized (the pool row is locked), so their PENDING timestamps order them. For a run
 * taken by claim k, a run of the higher queue was claimable when a later claim took it (it was
 * due and SCHEDULED throughout), its queue was below its limit and its deployment below its own.
 * Completions are not serialized with claims, so the check counts a slot as freed only when its
 * COMPLETED was answered before claim k was sent, and claims whose timestamps tie as earlier:
 * it can miss a violation, never invent one.
 */
function priorityViolations(
  runs: RunHistory[],
  { claims, completedAt }: Claimed,
  queues: ReadonlyArray<{ name: string; priority: number; limit: number | null }>,
  deploymentLimit: Map<string, number | null>,
): PriorityViolation[] {
  const from = new Map(runs.map((r) => [r.id, slotSpan(r)!.from]));
  const byId = new Map(runs.map((r) => [r.id, r]));
  const groupBy = (key: (r: RunHistory) => string) => {
    const groups = new Map<string, RunHistory[]>();
    for (const r of runs) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return groups;
  };
  const byQueue = groupBy((r) => r.workQueueName!);
  const byDeployment = groupBy((r) => r.deploymentId!);
  const sequence = claims.map((c) => ({
    ...c,
    first: Math.min(...c.ids.map((id) => from.get(id)!)),
    last: Math.max(...c.ids.map((id) => from.get(id)!)),
  }));
  /** each run's claim, and its place in it */
  const claimOf = new Map<string, { claim: (typeof sequence)[number]; position: number }>();
  for (const c of sequence) c.ids.forEach((id, position) => claimOf.set(id, { claim: c, position }));
  const violations: PriorityViolation[] = [];
  for (const claim of sequence) {
    claim.ids.forEach((id, position) => {
      const queue = queues.find((q) => q.name === byId.get(id)!.workQueueName)!;
      // holding a slot as far as this claim could know: taken before this run, not certainly freed
      const holds = (x: RunHistory) => {
        const c = claimOf.get(x.id)!;
        const before = c.claim === claim ? c.position < position : c.claim.first <= claim.last;
        return before && !(completedAt.get(x.id)! < claim.sentAt);
      };
      const certainlyLater = (x: RunHistory) => claimOf.get(x.id)!.claim.first > claim.last;
      for (const higher of queues.filter((q) => q.priority < queue.priority)) {
        const ofQueue = byQueue.get(higher.name) ?? [];
        const active = ofQueue.filter(holds).length;
        if (higher.limit !== null && active >= higher.limit) continue;
        const claimable = ofQueue.filter((x) => {
          if (!certainlyLater(x)) return false;
          const limit = deploymentLimit.get(x.deploymentId!) ?? null;
          return limit === null || byDeployment.get(x.deploymentId!)!.filter(holds).length < limit;
        });
        if (claimable.length > 0)
          violations.push({
            run: id,
            queue: queue.name,
            passedOver: higher.name,
            claimablePassedOver: claimable.length,
            active,
          });
      }
    });
  }
  return violations;
}

describe(`claimFlowRuns at scale: ${CLAIMERS} claimers, ${TOTAL} runs`, () => {
  it("claims every run exactly once, never exceeds a limit, and serves queues by priority", async () => {
    const deploymentIds = await setUp();
    const deploymentNames = new Map([...deploymentIds].map(([name, id]) => [id, name]));
    const deploymentLimit = new Map(DEPLOYMENTS.map((d) => [deploymentIds.get(d.name)!, d.limit as number | null]));
    const all = await insertRuns(deploymentIds);
    expect(all).toHaveLength(TOTAL);

    const claimed = await claimAll(TOTAL);
    const { claims } = claimed;

    // exactly once: every run came back from one claim, and has one PENDING state
    const ids = claims.flatMap((c) => c.ids);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids)).toEqual(new Set(all));
    const runs = await runHistories(t.app.database, all);
    const wrong = runs.filter((r) => r.states.map((s) => s.type).join(",") !== "SCHEDULED,PENDING,RUNNING,COMPLETED");
    expect(wrong.map((r) => ({ id: r.id, states: r.states.map((s) => s.type) }))).toEqual([]);

    // claims are serialized by the pool lock: one claim's runs never interleave with another's
    const claimedAt = new Map(runs.map((r) => [r.id, slotSpan(r)!.from]));
    const spans = claims
      .map((c) => c.ids.map((id) => claimedAt.get(id)!))
      .map((ts) => [Math.min(...ts), Math.max(...ts)] as const);
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);

    // no limit exceeded at any moment — and every limit was reached, so the check had something to see
    const pool = peakConcurrency(runs, () => "pool").get("pool");
    expect(pool).toBe(POOL_LIMIT);
    const perQueue = peakConcurrency(runs, (r) => r.workQueueName);
    for (const q of QUEUES) if (q.limit !== null) expect(perQueue.get(q.name), `queue ${q.name}`).toBe(q.limit);
    const perDeployment = peakConcurrency(runs, (r) => deploymentNames.get(r.deploymentId!) ?? null);
    for (const d of DEPLOYMENTS)
      if (d.limit !== null) expect(perDeployment.get(d.name), `deployment ${d.name}`).toBe(d.limit);

    // within a queue, claims follow start time (low's held-back runs are all of one deployment)
    for (const { name: queue } of QUEUES) {
      const ofQueue = runs.filter((r) => r.workQueueName === queue);
      const byClaim = [...ofQueue].sort(
        (a, b) =>
          slotSpan(a)!.from - slotSpan(b)!.from || a.expectedStartTime!.getTime() - b.expectedStartTime!.getTime(),
      );
      const byStart = [...ofQueue].sort((a, b) => a.expectedStartTime!.getTime() - b.expectedStartTime!.getTime());
      expect(
        byClaim.map((r) => r.id),
        `claim order of ${queue}`,
      ).toEqual(byStart.map((r) => r.id));
    }

    expect(priorityViolations(runs, claimed, QUEUES, deploymentLimit).slice(0, 10)).toEqual([]);
  }, 300_000);
});

describe("claimFlowRuns with a deployment at its limit ahead in the queue", () => {
  // Head-of-line blocking: a claim that looks only a fixed number of due runs deep skips the
  // queue when they all belong to a deployment at its limit, starving the runs behind them and
  // serving a lower-priority queue instead.
  it("serves a free deployment's run queued behind held-back runs before a lower-priority queue", async () => {
    await t.ok(graphql(`mutation { createWorkPool(input: { name: "hol", type: "process" }) { id } }`));
    for (const [name, priority] of [
      ["first", 1],
      ["second", 2],
    ] as const) {
      await t.ok(graphql(`mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id } }`), {
        i: { workPoolName: "hol", name, priority },
      });
    }
    const deployment = async (name: string, queue: string, limit: number | null) =>
      (
        await applyDeployment(t, {
          flowName: "hol",
          name,
          workPoolName: "hol",
          workQueueName: queue,
          concurrencyLimit: limit,
          collisionStrategy: "ENQUEUE",
        })
      ).id;
    const run = (deploymentId: string, secondsAgo: number) =>
      createRun(t, deploymentId, {
        scheduledStartTime: new Date(t.clock.now().getTime() - secondsAgo * 1000).toISOString(),
      });
    const limited = await deployment("limited", "first", 1);
    const free = await deployment("free", "first", null);
    const lower = await deployment("lower", "second", null);
    const held: string[] = [];
    for (let i = 0; i < 10; i++) held.push(await run(limited, 100 - i));
    const behind = await run(free, 50);
    await run(lower, 40);
    const r = await t.ok(CLAIM, { input: { workPoolName: "hol", workerName: "w", limit: 2 } });
    // the limited deployment's oldest run, then the free one: "first" outranks "second"
    expect(r.claimFlowRuns.map((x) => x.id)).toEqual([held[0], behind]);
  });
});
