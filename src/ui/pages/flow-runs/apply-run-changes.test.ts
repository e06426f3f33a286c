// The live list's batch step: order, replacement, leaving and re-entering the filter, the bound.
import { describe, expect, it } from "vitest";
import type { FlowRunRowFragment, StateType } from "../../generated/graphql";
import { applyRunChanges, type LiveListState } from "./apply-run-changes";
import type { RunFilters } from "./run-filters";

const ALL: RunFilters = { states: [], deploymentId: null, pool: null, tag: null, after: null, before: null };
const RUNNING_ONLY: RunFilters = { ...ALL, states: ["RUNNING"] };

function run(id: string, stateType: StateType = "SCHEDULED"): FlowRunRowFragment {
  return { id, stateType, tags: [], expectedStartTime: null } as unknown as FlowRunRowFragment;
}
const start = (rows: FlowRunRowFragment[]): LiveListState => ({ rows, added: 0, created: 0, newer: 0 });
const ids = (s: LiveListState) => s.rows.map((r) => `${r.id}:${r.stateType}`);

describe("applyRunChanges", () => {
  it("replaces shown runs in place and puts new ones on top, newest first", () => {
    const next = applyRunChanges(
      start([run("a"), run("b")]),
      [
        { run: run("b", "RUNNING"), fresh: false },
        { run: run("c"), fresh: true },
        { run: run("d"), fresh: true },
        { run: run("c", "PENDING"), fresh: false },
      ],
      ALL,
      100,
    );
    expect(ids(next)).toEqual(["d:SCHEDULED", "c:PENDING", "a:SCHEDULED", "b:RUNNING"]);
    expect(next).toMatchObject({ added: 2, created: 2, newer: 0 });
  });

  it("drops a run that leaves the filter and brings it back in its place when it returns", () => {
    const left = applyRunChanges(
      start([run("a", "RUNNING"), run("b", "RUNNING")]),
      [{ run: run("a", "COMPLETED"), fresh: false }],
      RUNNING_ONLY,
      100,
    );
    expect(ids(left)).toEqual(["b:RUNNING"]);
    const both = applyRunChanges(
      start([run("a", "RUNNING"), run("b", "RUNNING")]),
      [
        { run: run("a", "COMPLETED"), fresh: false },
        { run: run("a", "RUNNING"), fresh: false },
      ],
      RUNNING_ONLY,
      100,
    );
    expect(ids(both)).toEqual(["a:RUNNING", "b:RUNNING"]);
  });

  it("past the bound counts new runs without showing them, and still updates the shown ones", () => {
    const burst = Array.from({ length: 10_000 }, (_, i) => ({ run: run(`n${i}`), fresh: true }));
    const next = applyRunChanges(start([run("a")]), [...burst, { run: run("a", "RUNNING"), fresh: false }], ALL, 100);
    expect(next.rows).toHaveLength(101);
    expect(next.rows[0]?.id).toBe("n99");
    expect(next.rows[100]?.stateType).toBe("RUNNING");
    expect(next).toMatchObject({ added: 100, created: 100, newer: 9_900 });
    // a later batch keeps counting from where the first stopped
    const later = applyRunChanges(next, [{ run: run("m"), fresh: true }], ALL, 100);
    expect(later.newer).toBe(9_901);
    expect(later.rows).toHaveLength(101);
  });
});
