// The scheduler's bulk insert on a real database: rows spread over several statements (by the
// parameter limit, the row cap and the group cap) are each inserted exactly once with their
// SCHEDULED state, a repeat inserts nothing, two inserts of the same runs at once insert each
// once, and values that need quoting are stored as given.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertLimits,
  insertScheduledRuns,
  type InsertLimits,
  type ScheduledRunRow,
} from "../../src/db/insert-scheduled-runs.js";
import { inTransaction } from "../../src/db/transaction.js";
import { tagsKey } from "../../src/domain/json.js";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
let deployment: { id: string; flowId: string; workQueueId: string | null; workQueueName: string | null };
beforeAll(async () => {
  t = await createTestApp();
  const applied = await applyDeployment(t, { flowName: "bulk-insert", name: "bulk", workPoolName: "bulk-pool" });
  deployment = await t.app.database.client.deployment.findUniqueOrThrow({
    where: { id: applied.id },
    select: { id: true, flowId: true, workQueueId: true, workQueueName: true },
  });
});
afterAll(async () => {
  await t?.close();
});

let seq = 0;
/** count runs over `schedules` schedule keys (rows of one schedule share their parameters and tags, as the scheduler builds them) */
function rows(count: number, schedules: number, extra: Partial<ScheduledRunRow> = {}): ScheduledRunRow[] {
  const batch = ++seq;
  const base = Date.UTC(2030, 0, 1);
  const shared = Array.from({ length: schedules }, (_, s) => ({
    parameters: { batch, s },
    tags: ["auto-scheduled", `s${s}`],
  }));
  return Array.from({ length: count }, (_, i) => {
    const s = i % schedules;
    const start = new Date(base + i * 60_000);
    return {
      id: randomUUID(),
      stateId: randomUUID(),
      name: `bulk-${batch}-${i}`,
      flowId: deployment.flowId,
      deploymentId: deployment.id,
      deploymentVersion: null,
      parameters: shared[s]!.parameters,
      tags: shared[s]!.tags,
      tagsKey: tagsKey(shared[s]!.tags),
      idempotencyKey: `bulk:${batch}:${s}:${start.toISOString()}`,
      scheduleKey: `bulk-${batch}-${s}`,
      workQueueId: deployment.workQueueId,
      workQueueName: deployment.workQueueName,
      start,
      ...extra,
    };
  });
}

const insert = (batch: ScheduledRunRow[], limits?: InsertLimits) =>
  inTransaction(t.app.database, (tx) =>
    insertScheduledRuns(t.app.database, tx, batch, new Date(Date.UTC(2029, 11, 31)), limits),
  );

/** every row stored once, pointing at its one SCHEDULED state */
async function expectStoredOnce(batch: ScheduledRunRow[]): Promise<void> {
  const keys = batch.map((r) => r.idempotencyKey);
  const stored = await t.app.database.client.flowRun.findMany({
    where: { idempotencyKey: { in: keys } },
    select: {
      idempotencyKey: true,
      stateId: true,
      stateType: true,
      nextScheduledStartTime: true,
      states: { select: { id: true, type: true, scheduledTime: true } },
    },
  });
  expect(stored.length).toBe(batch.length);
  expect(new Set(stored.map((r) => r.idempotencyKey)).size).toBe(batch.length);
  for (const r of stored) {
    expect(r.stateType).toBe("SCHEDULED");
    expect(r.states).toHaveLength(1);
    expect(r.stateId).toBe(r.states[0]!.id);
    expect(r.states[0]!.scheduledTime).toEqual(r.nextScheduledStartTime);
  }
}

describe("scheduler bulk insert", () => {
  it("splits a batch over the parameter limit into several statements and inserts every row once", async () => {
    const batch = rows(600, 40);
    // 40 groups × 9 parameters + 600 rows × 2 = 1,560 parameters: about 13 statements of ≤ 120
    const ids = await insert(batch, { maxParams: 120, maxRows: 10_000, maxGroups: 10_000 });
    expect(ids).toEqual(batch.map((r) => r.id));
    await expectStoredOnce(batch);
    // the same runs again (new ids): nothing new
    const again = batch.map((r) => ({ ...r, id: randomUUID(), stateId: randomUUID() }));
    expect(await insert(again, { maxParams: 120, maxRows: 10_000, maxGroups: 10_000 })).toEqual([]);
    await expectStoredOnce(batch);
  });

  it("with the database's own limits, inserts more rows and groups than one statement takes", async () => {
    const limits = insertLimits(t.app.database);
    // one group per row: more groups than one statement's compound SELECT takes, and more rows than its cap
    const batch = rows(limits.maxRows + 100, limits.maxRows + 100);
    expect(batch.length).toBeGreaterThan(Math.max(limits.maxRows, limits.maxGroups));
    const ids = await insert(batch);
    expect(ids.length).toBe(batch.length);
    await expectStoredOnce(batch);
  });

  it("skips the rows that exist and inserts the rest, in one call", async () => {
    const batch = rows(50, 2);
    expect((await insert(batch.slice(0, 20))).length).toBe(20);
    const rest = await insert(batch.map((r, i) => (i < 20 ? { ...r, id: randomUUID(), stateId: randomUUID() } : r)));
    expect(rest).toEqual(batch.slice(20).map((r) => r.id));
    await expectStoredOnce(batch);
  });

  it("two inserts of the same runs at the same time store each run once", async () => {
    const batch = rows(1_500, 30);
    const twin = batch.map((r) => ({ ...r, id: randomUUID(), stateId: randomUUID() }));
    const [a, b] = await Promise.all([insert(batch, { maxParams: 600, maxRows: 200, maxGroups: 500 }), insert(twin)]);
    expect(a.length + b.length).toBe(batch.length);
    await expectStoredOnce(batch);
  });

  it("stores names, keys and JSON values that need quoting as given", async () => {
    const [row] = rows(1, 1, {
      // ids and times are written as literals, the rest is bound: both must survive quotes and backslashes
      id: `run'\\${randomUUID()}`,
      stateId: `state'\\${randomUUID()}`,
      name: `it's a \\ 'quoted' run`,
      idempotencyKey: `key with 'quotes' and \\backslash\\ ${randomUUID()}`,
      parameters: { text: `O'Brien \\ "x"`, n: 1.5 },
      tags: ["auto-scheduled", `it's`],
      tagsKey: tagsKey(["auto-scheduled", `it's`]),
      deploymentVersion: `v'1`,
    });
    expect(await insert([row!])).toEqual([row!.id]);
    const stored = await t.app.database.client.flowRun.findUniqueOrThrow({ where: { id: row!.id } });
    expect(stored).toMatchObject({
      name: row!.name,
      idempotencyKey: row!.idempotencyKey,
      parameters: row!.parameters,
      tags: row!.tags,
      deploymentVersion: `v'1`,
      autoScheduled: true,
      expectedStartTime: row!.start,
    });
  });
});
