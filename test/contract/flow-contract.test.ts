// The flow SDK (src/sdk) against the executor (src/worker/executor/flow-contract.ts): two layers that
// may not import each other and meet only through src/flow-contract.ts, so the test that holds them
// together lives here.
import { describe, expect, it } from "vitest";
import { flow, getRunContext, getRunLogger } from "../../src/sdk/index.js";
import { FLOW_MARK, RUNTIME_KEY } from "../../src/flow-contract.js";
import * as executorSide from "../../src/worker/executor/flow-contract.js";

describe("the contract with the executor", () => {
  it("uses registered symbols, which another copy of the module (a flow's own install) shares", () => {
    expect(FLOW_MARK).toBe(Symbol.for("ordo.flow.v1"));
    expect(RUNTIME_KEY).toBe(Symbol.for("ordo.runtime.v1"));
  });

  it("lets the executor read a flow's options and function, and take plain functions", () => {
    const fn = async () => 1;
    const loaded = executorSide.toLoadedFlow(flow({ name: "f", retries: 2, retryDelaySeconds: 5 }, fn), "exported");
    expect(loaded).toEqual({ name: "f", retries: 2, retryDelaySeconds: 5, isSdkFlow: true, fn });
    expect(executorSide.toLoadedFlow(fn, "fn")).toMatchObject({ name: "fn", retries: 0, isSdkFlow: false });
    expect(executorSide.toLoadedFlow(undefined, "missing")).toMatch(/"missing" is not exported/);
    expect(executorSide.toLoadedFlow(42, "n")).toMatch(/"n" is a number, not a flow/);
  });

  it("shows the SDK the run the executor installs, and takes its log lines", () => {
    const context = {
      flowRunId: "r1",
      flowRunName: "n",
      deploymentId: null,
      deploymentSlug: null,
      parameters: {},
      runCount: 1,
      attempt: 1,
    };
    const lines: unknown[] = [];
    const uninstall = executorSide.installRuntime({ context, log: (...line) => lines.push(line) });
    try {
      expect(getRunContext()).toEqual(context);
      getRunLogger("contract").warn("seen");
    } finally {
      uninstall();
    }
    expect(getRunContext()).toBeNull();
    expect(lines).toEqual([[30, "contract", "seen"]]);
  });
});
