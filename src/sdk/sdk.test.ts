// The flow SDK on its own (its contract with the executor is test/contract/flow-contract.test.ts).
import { afterEach, describe, expect, it, vi } from "vitest";
import path from "node:path";
import { deploymentInput } from "./deployment.js";
import { flow, getRunContext, getRunLogger, isFlow, serve, toDeployment } from "./index.js";
import { RUNTIME_KEY } from "../flow-contract.js";

/**
 * What the executor does before it runs a flow (worker/executor/flow-contract.ts installRuntime):
 * publish the run under RUNTIME_KEY. test/contract/flow-contract.test.ts holds the two sides together.
 */
function installRuntime(runtime: {
  context: object;
  log(level: number, name: string, message: string): void;
}): () => void {
  const g = globalThis as Record<symbol, unknown>;
  g[RUNTIME_KEY] = runtime;
  return () => {
    if (g[RUNTIME_KEY] === runtime) delete g[RUNTIME_KEY];
  };
}

afterEach(() => vi.restoreAllMocks());

/** Exported, so a deployment of it can name it as this file's `exportedFlow`. */
export const exportedFlow = flow(
  { name: "exported", description: "from the test", parameters: { type: "object" } },
  async () => 1,
);

describe("flow()", () => {
  it("returns a callable that runs the function once and carries its options", async () => {
    const fn = vi.fn(async ({ name }: { name: string }) => `Hello ${name}`);
    const hello = flow(
      { name: "hello", version: "2", retries: 3, retryDelaySeconds: 1.5, parameters: { type: "object" } },
      fn,
    );
    expect(await hello({ name: "Ada" })).toBe("Hello Ada");
    expect(fn).toHaveBeenCalledTimes(1);
    expect(hello.name).toBe("hello");
    expect(hello.options).toEqual({
      name: "hello",
      version: "2",
      retries: 3,
      retryDelaySeconds: 1.5,
      parameters: { type: "object" },
    });
    expect(Object.isFrozen(hello.options)).toBe(true);
    expect(hello.fn).toBe(fn);
    expect(isFlow(hello)).toBe(true);
    expect(isFlow(fn)).toBe(false);
  });

  it("rejects bad options, naming the field", () => {
    const f = async () => 1;
    expect(() => flow({ name: "" }, f)).toThrow(/options.name/);
    expect(() => flow({ name: "x", retries: -1 }, f)).toThrow(/retries/);
    expect(() => flow({ name: "x", retries: 1.5 }, f)).toThrow(/retries/);
    expect(() => flow({ name: "x", retryDelaySeconds: Number.NaN }, f)).toThrow(/retryDelaySeconds/);
    expect(() => flow({ name: "x", parameters: [] as never }, f)).toThrow(/parameters/);
    expect(() => flow({ name: "x" }, "nope" as never)).toThrow(/function/);
  });
});

describe("getRunLogger()", () => {
  it("prints to the console outside the executor", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const logger = getRunLogger("my.flow");
    logger.info("count %d", 3);
    logger.error("bad");
    expect(log.mock.calls[0]![0]).toMatch(/\| INFO {5}\| my\.flow - count 3$/);
    expect(error.mock.calls[0]![0]).toMatch(/\| ERROR {4}\| my\.flow - bad$/);
    expect(getRunContext()).toBeNull();
  });

  it("sends lines to the executor's runtime when there is one, even from a logger made before it", () => {
    const logger = getRunLogger();
    const lines: unknown[] = [];
    const context = {
      flowRunId: "r1",
      flowRunName: "n",
      deploymentId: null,
      deploymentSlug: null,
      parameters: { a: 1 },
      runCount: 1,
      attempt: 1,
    };
    const uninstall = installRuntime({ context, log: (...line) => lines.push(line) });
    try {
      logger.warn("careful");
      getRunLogger("custom").critical({ x: 1 });
      expect(getRunContext()).toEqual(context);
    } finally {
      uninstall();
    }
    expect(lines).toEqual([
      [30, "ordo.flow_runs", "careful"],
      [50, "custom", "{ x: 1 }"],
    ]);
    expect(getRunContext()).toBeNull();
  });
});

describe("toDeployment()", () => {
  it("points the entrypoint at the export that holds the flow, in the file that defined it, with no pool or storage", () => {
    const input = deploymentInput(
      toDeployment(exportedFlow, {
        name: "nightly",
        cron: "0 3 * * *",
        interval: 60,
        timezone: "Europe/Paris",
        parameters: { a: 1 },
      }),
    );
    expect(input).toMatchObject({
      flowName: "exported",
      name: "nightly",
      entrypoint: "sdk.test.ts:exportedFlow",
      path: path.dirname(new URL(import.meta.url).pathname),
      description: "from the test",
      parameters: { a: 1 },
      parameterOpenapiSchema: { type: "object" },
      storageBlock: null,
      pullSteps: null,
      workPoolName: null,
    });
    expect(input.schedules).toEqual([
      { schedule: { interval: { interval: 60, timezone: "Europe/Paris" } } },
      { schedule: { cron: { cron: "0 3 * * *", timezone: "Europe/Paris" } } },
    ]);
  });

  it("asks for an export (or an explicit entrypoint) when the flow is not exported", () => {
    const hidden = flow({ name: "hidden" }, async () => 1);
    expect(() => deploymentInput(toDeployment(hidden, { name: "d" }))).toThrow(/must be exported/);
    expect(
      deploymentInput(toDeployment(hidden, { name: "d", entrypoint: "flows/x.ts:hidden", path: "/srv/app" })),
    ).toMatchObject({ entrypoint: "flows/x.ts:hidden", path: "/srv/app" });
    expect(() => toDeployment(hidden, { name: "" })).toThrow(/options.name/);
  });

  it("serve() does nothing inside a flow run (the executor importing a file that serves)", async () => {
    const context = {
      flowRunId: "r1",
      flowRunName: "n",
      deploymentId: null,
      deploymentSlug: null,
      parameters: {},
      runCount: 1,
      attempt: 1,
    };
    const uninstall = installRuntime({ context, log: () => {} });
    try {
      await expect(serve(exportedFlow)).resolves.toBeUndefined();
    } finally {
      uninstall();
    }
  });
});
