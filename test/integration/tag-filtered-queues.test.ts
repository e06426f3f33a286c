// Legacy tag-filtered work queues: a queue with filterTags takes its own runs and, besides, due
// runs bound to no queue whose tags include all its tags — matched exactly on both databases
// (no case folding, no LIKE wildcards) — by queue priority, within every limit, each run once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction, tryLockDeployments } from "../../src/db/transaction.js";
import { graphql, operationText } from "../harness/documents.js";
import { applyDeployment, createRun } from "../harness/factories.js";
import { rejectionChecker, tableCounts } from "../harness/rejections.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const CLAIM = graphql(`
  mutation($input: ClaimFlowRunsInput!) { claimFlowRuns(input: $input) { id stateType workQueueName workPool { name } } }
`);
const SET = graphql(`
  mutation($id: ID!, $type: StateType!) { setFlowRunState(input: { flowRunId: $id, state: { type: $type } }) { status } }
`);
const CREATE_QUEUE = graphql(`
  mutation($i: WorkQueueInput!) { createWorkQueue(input: $i) { id name priority filterTags } }
`);
const UPDATE_QUEUE = graphql(`
  mutation($id: ID!, $i: WorkQueueUpdateInput!) { updateWorkQueue(id: $id, input: $i) { id filterTags } }
`);

let secondsAgo = 10_000;

async function pool(name: string, limit: number | null = null): Promise<void> {
  await t.ok(graphql(`mutation($i: WorkPoolInput!) { createWorkPool(input: $i) { id } }`), {
    i: { name, type: "process", concurrencyLimit: limit },
  });
}

async function queue(
  workPoolName: string,
  name: string,
  opts: { filterTags?: string[]; priority?: number; concurrencyLimit?: number } = {},
): Promise<string> {
  return (await t.ok(CREATE_QUEUE, { i: { workPoolName, name, ...opts } })).createWorkQueue.id;
}

/** A deployment (without a pool unless given: the older seed format) and its id. */
async function deployment(name: string, tags: string[], extra: Record<string, unknown> = {}): Promise<string> {
  return (await applyDeployment(t, { flowName: "tagged", name, tags, ...extra })).id;
}

/** A due run; each one starts a second after the previous one, so start order is creation order. */
async function run(deploymentId: string, tags: string[] = []): Promise<string> {
  const at = new Date(t.clock.now().getTime() - secondsAgo-- * 1000).toISOString();
  return createRun(t, deploymentId, { tags, scheduledStartTime: at });
}

const claim = async (workPoolName: string, limit = 10, workerName = "agent") =>
  (await t.ok(CLAIM, { input: { workPoolName, workerName, limit } })).claimFlowRuns;

const finish = async (id: string) => {
  for (const type of ["RUNNING", "COMPLETED"] as const)
    expect((await t.ok(SET, { id, type })).setFlowRunState.status).toBe("ACCEPT");
};

const stateOf = async (id: string) =>
  (await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType workQueueName } }`), { id })).flowRun;

describe("tag-filtered work queues", () => {
  it("are created, shown, changed and turned back into normal queues", async () => {
    await pool("manage");
    const created = (
      await t.ok(CREATE_QUEUE, { i: { workPoolName: "manage", name: "legacy", filterTags: ["prod", "etl"] } })
    ).createWorkQueue;
    expect(created).toMatchObject({ name: "legacy", filterTags: ["prod", "etl"] });
    expect(
      (await t.ok(CREATE_QUEUE, { i: { workPoolName: "manage", name: "plain" } })).createWorkQueue.filterTags,
    ).toBeNull();
    expect(
      (await t.ok(UPDATE_QUEUE, { id: created.id, i: { filterTags: ["Prod"] } })).updateWorkQueue.filterTags,
    ).toEqual(["Prod"]);
    // absent keeps the tags, null removes them
    expect((await t.ok(UPDATE_QUEUE, { id: created.id, i: { priority: 3 } })).updateWorkQueue.filterTags).toEqual([
      "Prod",
    ]);
    expect(
      (await t.ok(UPDATE_QUEUE, { id: created.id, i: { filterTags: null } })).updateWorkQueue.filterTags,
    ).toBeNull();
    const read = await t.ok(graphql(`{ workPool(name: "manage") { queues { name filterTags } } }`));
    expect(read.workPool.queues).toEqual([
      { name: "default", filterTags: null },
      { name: "legacy", filterTags: null },
      { name: "plain", filterTags: null },
    ]);
  });

  it("take runs bound to no queue whose tags include all theirs — exactly, case and wildcards included", async () => {
    await pool("agents");
    await queue("agents", "legacy", { filterTags: ["prod", "e_l"] });
    const all = await deployment("all-tags", ["prod", "e_l", "extra"]);
    const fromRun = await deployment("run-tags", []);
    const partial = await deployment("partial", ["prod"]);
    const upper = await deployment("upper", ["PROD", "e_l"]);
    const wildcard = await deployment("wildcard", ["prod", "etl"]); // LIKE's "_" would match "t"
    const longer = await deployment("longer", ["prod", "e_lx", "production"]);
    const matching = [await run(all), await run(fromRun, ["e_l", "prod"])];
    const others = [await run(partial), await run(upper), await run(wildcard), await run(longer)];
    const future = await t.ok(
      graphql(`
        mutation($id: ID!, $at: DateTime) { createFlowRun(input: { deploymentId: $id, scheduledStartTime: $at }) { id } }
      `),
      {
        id: all,
        at: new Date(t.clock.now().getTime() + 3600_000).toISOString(),
      },
    );

    const got = await claim("agents");
    expect(got.map((r) => r.id)).toEqual(matching);
    // claiming binds the run to the queue: its limits and its pool's job template apply from now on
    expect(
      got.every((r) => r.stateType === "PENDING" && r.workQueueName === "legacy" && r.workPool?.name === "agents"),
    ).toBe(true);
    expect(await claim("agents")).toEqual([]);
    for (const id of [...others, future.createFlowRun.id])
      expect(await stateOf(id)).toEqual({ stateType: "SCHEDULED", workQueueName: null });
  });

  it("never take a run bound to another queue, in this pool or another, but always take their own", async () => {
    await pool("mixed");
    await queue("mixed", "legacy", { filterTags: ["shared"] });
    await queue("mixed", "named");
    await pool("elsewhere");
    const inNamed = await deployment("in-named", ["shared"], { workPoolName: "mixed", workQueueName: "named" });
    const inOtherPool = await deployment("in-other-pool", ["shared"], { workPoolName: "elsewhere" });
    // named explicitly: the queue's own runs need no tags
    const own = await deployment("own", [], { workPoolName: "mixed", workQueueName: "legacy" });
    const namedRun = await run(inNamed);
    const otherRun = await run(inOtherPool);
    const ownRun = await run(own);

    const legacyOnly = await t.ok(CLAIM, {
      input: { workPoolName: "mixed", workQueueNames: ["legacy"], workerName: "agent", limit: 10 },
    });
    expect(legacyOnly.claimFlowRuns.map((r) => r.id)).toEqual([ownRun]);
    expect(await stateOf(namedRun)).toEqual({ stateType: "SCHEDULED", workQueueName: "named" });
    expect(await stateOf(otherRun)).toEqual({ stateType: "SCHEDULED", workQueueName: "default" });
    expect((await claim("mixed")).map((r) => r.id)).toEqual([namedRun]);
  });

  it("are served by priority against normal queues, then by start time across own and adopted runs", async () => {
    await pool("prio");
    const legacy = await queue("prio", "legacy", { filterTags: ["nightly"], priority: 1 });
    await queue("prio", "normal", { priority: 2 });
    const unbound = await deployment("prio-unbound", ["nightly"]);
    const normal = await deployment("prio-normal", [], { workPoolName: "prio", workQueueName: "normal" });
    const own = await deployment("prio-own", [], { workPoolName: "prio", workQueueName: "legacy" });
    const n1 = await run(normal); // oldest, but in the lower-priority queue
    const u1 = await run(unbound);
    const o1 = await run(own);
    const u2 = await run(unbound);
    const n2 = await run(normal);
    expect((await claim("prio", 4)).map((r) => r.id)).toEqual([u1, o1, u2, n1]);
    // the other way round once the tag-filtered queue comes second
    await t.ok(UPDATE_QUEUE, { id: legacy, i: { priority: 3 } });
    const u3 = await run(unbound);
    const n3 = await run(normal);
    expect((await claim("prio", 3)).map((r) => r.id)).toEqual([n2, n3, u3]);
  });

  it("count adopted runs against the queue's and the pool's limits", async () => {
    await pool("limited", 3);
    await queue("limited", "legacy", { filterTags: ["batch"], concurrencyLimit: 2, priority: 1 });
    const d = await deployment("batch", ["batch"]);
    const other = await deployment("limited-other", [], { workPoolName: "limited" });
    const runs = [await run(d), await run(d), await run(d), await run(d)];
    const defaults = [await run(other), await run(other)];
    const first = await claim("limited");
    // the queue's limit of 2 for adopted runs, then the pool's limit of 3 for the rest
    expect(first.map((r) => r.id)).toEqual([runs[0], runs[1], defaults[0]]);
    expect(await claim("limited")).toEqual([]);
    await finish(runs[0]!);
    expect((await claim("limited")).map((r) => r.id)).toEqual([runs[2]]);
    await finish(defaults[0]!);
    expect((await claim("limited")).map((r) => r.id)).toEqual([defaults[1]]);
  });

  it("claim each run once and keep a deployment's limit when several pools' queues race for its runs", async () => {
    await pool("race-a");
    await pool("race-b");
    await queue("race-a", "legacy", { filterTags: ["race"] });
    await queue("race-b", "legacy", { filterTags: ["race"] });
    const limited = await deployment("race-limited", ["race"], { concurrencyLimit: 1 });
    const free = await deployment("race-free", ["race"]);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await run(i % 2 ? limited : free));
    const owner = new Map<string, string>();
    const claimer = async (name: string, workPoolName: string) => {
      for (let idle = 0; idle < 200 && owner.size < ids.length; ) {
        const got = await claim(workPoolName, 2, name);
        if (got.length === 0) {
          idle++;
          // a racing claimer's back-off between empty claims (the load, not a wait; idle caps the loop)
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        for (const r of got) {
          expect(owner.get(r.id), `run ${r.id} claimed by ${owner.get(r.id)} and ${name}`).toBeUndefined();
          owner.set(r.id, name);
          expect(r.workPool?.name).toBe(workPoolName);
        }
        for (const r of got) await finish(r.id);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => claimer(`racer-${i}`, i % 2 ? "race-b" : "race-a")));
    expect(new Set(owner.keys())).toEqual(new Set(ids));
    // the limited deployment's runs, replayed from their histories: never two PENDING/RUNNING at once
    const histories = await t.app.database.client.flowRun.findMany({
      where: { deploymentId: limited },
      select: { states: { orderBy: { timestamp: "asc" }, select: { type: true, timestamp: true } } },
    });
    const events = histories.flatMap((h) => {
      const start = h.states.find((s) => s.type === "PENDING")!.timestamp.getTime();
      const end = h.states.find((s) => s.type === "COMPLETED")!.timestamp.getTime();
      return [
        { at: start, delta: 1 },
        { at: end, delta: -1 },
      ];
    });
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let active = 0;
    let peak = 0;
    for (const e of events) peak = Math.max(peak, (active += e.delta));
    expect(peak).toBe(1);
    const pending = await t.app.database.client.flowRunState.count({
      where: { flowRunId: { in: ids }, type: "PENDING" },
    });
    expect(pending).toBe(ids.length);
  });

  it("hold back a limited deployment's runs while another claim counts its slots (PostgreSQL)", async () => {
    const db = t.app.database;
    if (db.provider !== "postgresql") return; // SQLite: one writer at a time, nothing to race
    await pool("held");
    await queue("held", "legacy", { filterTags: ["held"] });
    const limited = await deployment("held-limited", ["held"], { concurrencyLimit: 5 });
    const free = await deployment("held-free", ["held"]);
    const limitedRun = await run(limited);
    const freeRun = await run(free);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // a claim of another pool, mid-count: it holds the deployment's slot lock until it commits
    const other = inTransaction(db, async (tx) => {
      expect(await tryLockDeployments(db, tx, [limited])).toEqual(new Set([limited]));
      locked();
      await released;
    });
    await isLocked;
    try {
      expect((await claim("held")).map((r) => r.id)).toEqual([freeRun]);
    } finally {
      release();
      await other;
    }
    expect((await claim("held")).map((r) => r.id)).toEqual([limitedRun]);
  });

  describe("bad filter tags get BAD_USER_INPUT naming the tag, and write nothing", () => {
    let queueId: string;
    const snapshot = async () => ({
      counts: await tableCounts(t),
      queue: await t.app.database.client.workQueue.findUnique({
        where: { id: queueId },
        select: { filterTags: true, priority: true, updated: true },
      }),
    });
    const expectRejected = rejectionChecker(() => t, snapshot);
    beforeAll(async () => {
      await pool("bad-tags");
      queueId = await queue("bad-tags", "legacy", { filterTags: ["kept"] });
    });

    const cases: Array<[string, unknown, string]> = [
      ["no tags (null, not [], makes a normal queue)", [], "input.filterTags"],
      ["an empty tag", ["ok", ""], "input.filterTags[1]"],
      ["a blank tag", ["  "], "input.filterTags[0]"],
      ["a repeated tag", ["a", "b", "a"], "input.filterTags[2]"],
      ['a tag with "|"', ["a|b"], "input.filterTags[0]"],
    ];
    // rejectionChecker sends a document's text, with these deliberately bad variables
    for (const [what, filterTags, field] of cases) {
      it(`on create: ${what}`, async () => {
        await expectRejected(
          operationText(CREATE_QUEUE),
          { i: { workPoolName: "bad-tags", name: "new", priority: 1, filterTags } },
          { code: "BAD_USER_INPUT", field },
        );
      });
      it(`on update: ${what}`, async () => {
        await expectRejected(
          operationText(UPDATE_QUEUE),
          { id: queueId, i: { priority: 1, filterTags } },
          { code: "BAD_USER_INPUT", field },
        );
      });
    }
  });
});
