// Concurrent createFlowRun calls with one idempotency key: one run is inserted and every caller
// gets it back (the losers of the insert race read the winner's run instead of failing).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "../harness/documents.js";
import { applyDeployment } from "../harness/factories.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("createFlowRun races", () => {
  it("returns one run to 12 simultaneous creates with the same idempotency key", async () => {
    const deploymentId = (await applyDeployment(t, { flowName: "race", name: "create", workPoolName: "create-race" }))
      .id;
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          t.gql(graphql(`mutation($i: CreateFlowRunInput!) { createFlowRun(input: $i) { id stateType } }`), {
            i: { deploymentId, idempotencyKey: `key-${round}` },
          }),
        ),
      );
      for (const a of answers) expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
      const ids = new Set(answers.map((a) => a.data!.createFlowRun.id));
      expect(ids.size).toBe(1);
      const [id] = ids;
      const history = await t.ok(graphql(`query($id: ID!) { flowRun(id: $id) { stateType states { type } } }`), {
        id: id!,
      });
      expect(history.flowRun).toEqual({ stateType: "SCHEDULED", states: [{ type: "SCHEDULED" }] });
    }
    expect(await t.app.database.client.flowRun.count({ where: { deploymentId } })).toBe(5);
  });
});
