// `ordo agent start` with the real binaries: seeds 000–002's deployments (build -q, the older spec
// shape with flow_runner / infrastructure / infra_overrides, a DeploymentSpec in code) run to
// COMPLETED by an agent on each deployment's own infrastructure block with its overrides; a bad
// override fails its run, not the agent; a tag-filtered queue; the apply-time warning and errors.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../harness/eventually.js";
import { WorkerProcess } from "../harness/worker-process.js";
import { cliWorld, oneLineFailure, type CliWorld } from "./deployment-setup.js";
import { graphql } from "../harness/documents.js";

let w: CliWorld;

beforeAll(async () => {
  w = await cliWorld("agent-seed");
});

afterAll(async () => {
  await WorkerProcess.killAll();
  await w?.close();
});

const write = (name: string, text: string) => writeFile(path.join(w.project, name), text);

async function runOf(slug: string): Promise<string> {
  const r = await w.json<{ id: string }>(["deployment", "run", slug]);
  return r.id;
}

async function finished(id: string) {
  return eventually(
    async () => {
      const r = await w.t.ok(
        graphql(
          `query($id: ID!) { flowRun(id: $id) { stateType states { type message } } logs(flowRunId: $id, first: 100) { edges { node { message } } } }`,
        ),
        { id },
      );
      const run = r.flowRun as { stateType: string; states: Array<{ type: string; message: string | null }> };
      if (!["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(run.stateType)) return null;
      return {
        ...run,
        logs: (r.logs.edges as Array<{ node: { message: string } }>).map((e) => e.node.message).join("\n"),
      };
    },
    { timeoutMs: 25_000, what: `run ${id} to finish` },
  );
}

describe("ordo agent start", () => {
  it("runs seed 001/002/000 deployments on their own infrastructure blocks, with their overrides", async () => {
    // seed 002: build with -q test (the default agent pool), an infrastructure type and an override
    const built = await w.run([
      "deployment",
      "build",
      "flows/marvin.ts:say_hi",
      "-n",
      "marvin",
      "-q",
      "test",
      "-i",
      "process",
      "--override",
      "env.GREETING=marvin-override",
    ]);
    expect(built.code, built.stderr).toBe(0);
    const applied = await w.run(["deployment", "apply", "say_hi-deployment.yaml"]);
    expect(applied.code, applied.stderr).toBe(0);
    // seed 001: multi-document YAML (flow_runner; infrastructure + infra_overrides + flow_storage), and seed 000 in code via the beta verb
    const yaml = await w.json<Array<{ slug: string; workPool: string | null }>>([
      "deployment",
      "apply",
      "deployments.yaml",
    ]);
    expect(yaml.map((d) => d.slug)).toEqual(["hello-world/hello-subprocess", "hello-world/hello-process"]);
    const code = await w.json<Array<{ slug: string; workPool: string | null; workQueue: string }>>([
      "deployment",
      "create",
      "hello_deployment.ts",
    ]);
    expect(code).toMatchObject([{ slug: "hello-world/from-code", workPool: "default-agent-pool", workQueue: "test" }]);
    const inspected = await w.json<{ infrastructureDocument: { slug: string } }>([
      "deployment",
      "inspect",
      "hello-world/hello-process",
    ]);
    expect(inspected.infrastructureDocument.slug).toMatch(/^process\/anonymous-/);

    // a legacy tag-filtered queue takes the pool-less, earth-tagged hello-process
    const queue = await w.run(["work-queue", "create", "earthlings", "--pool", "default-agent-pool", "-t", "earth"]);
    expect(queue.code, queue.stderr).toBe(0);

    // a worker cannot serve an agent pool, and says what to start instead
    const wrong = new WorkerProcess(w.url, ["--pool", "default-agent-pool"]);
    expect((await wrong.exited).code).not.toBe(0);
    expect(wrong.output).toContain("ordo agent start");

    const ids = await Promise.all(
      ["marvin/marvin", "hello-world/hello-subprocess", "hello-world/hello-process", "hello-world/from-code"].map(
        runOf,
      ),
    );
    const agent = new WorkerProcess(w.url, ["-q", "test", "-q", "earthlings", "--poll-seconds", "1"], undefined, [
      "agent",
      "start",
    ]);
    await agent.waitForLine(/agent .* started: pool default-agent-pool \(agent\)/);
    const [marvin, subprocess, processRun, fromCode] = await Promise.all(ids.map(finished));
    for (const r of [marvin, subprocess, processRun, fromCode])
      expect(r!.stateType, JSON.stringify(r)).toBe("COMPLETED");
    expect(marvin!.logs).toContain("Hi from Marvin! GREETING=marvin-override");
    expect(subprocess!.logs).toContain("Hello Arthur! GREETING=from-flow-runner");
    expect(processRun!.logs).toContain("Hello Trillian! GREETING=from-override");
    expect(fromCode!.logs).toContain("Hello Zaphod! GREETING=from-code");

    // a bad override fails its run with a message; the agent keeps going
    await write(
      "bad.yaml",
      "name: bad-override\nflow_location: ./hello_flow.ts\nwork_queue_name: test\ninfra_overrides:\n  env.GREETING: 3\n",
    );
    expect((await w.run(["deployment", "apply", "bad.yaml"])).code).toBe(0);
    const bad = await finished(await runOf("hello-world/bad-override"));
    expect(bad!.stateType).toBe("FAILED");
    expect(bad!.states.at(-1)!.message).toMatch(
      /cannot configure its infrastructure: .*process configuration: \/env\/GREETING must be string/,
    );
    const again = await finished(await runOf("hello-world/hello-subprocess"));
    expect(again!.stateType).toBe("COMPLETED");
    agent.signal("SIGTERM");
    expect((await agent.exited).code).toBe(0);
  }, 60_000);

  it("warns when a typed pool will not use the deployment's infrastructure block, and maps a flow_runner to its block type, and names a missing block type", async () => {
    await write(
      "typed.yaml",
      "name: typed\nflow_location: ./hello_flow.ts\nwork_pool_name: typed-pool\ninfrastructure: { type: process, env: { GREETING: unused } }\n",
    );
    const typed = await w.run(["deployment", "apply", "typed.yaml"]);
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stderr).toMatch(
      /warning: hello-world\/typed: its infrastructure block process\/anonymous-\S+ is not used: work pool typed-pool has type process/,
    );

    // the beta flow_runner docker is a docker-container block (the catalog's docker plugin)
    await write(
      "docker.yaml",
      "name: docked\nflow_location: ./hello_flow.ts\nwork_queue_name: test\nflow_runner:\n  type: docker\n  config: { image: node:22 }\n",
    );
    const docker = await w.run(["deployment", "apply", "docker.yaml"]);
    expect(docker.code, docker.stderr).toBe(0);
    const inspected = await w.json<{ infrastructureDocument: { slug: string } }>([
      "deployment",
      "inspect",
      "hello-world/docked",
    ]);
    expect(inspected.infrastructureDocument.slug).toMatch(/^docker-container\/anonymous-/);

    await write(
      "nomad.yaml",
      "name: nomad\nflow_location: ./hello_flow.ts\nwork_queue_name: test\ninfrastructure: { type: nomad-job, image: x }\n",
    );
    const nomad = oneLineFailure(await w.run(["deployment", "apply", "nomad.yaml"]));
    expect(nomad).toMatch(
      /^nomad\.yaml:4:\d+: no block type "nomad-job" on the server: no installed plugin provides it/,
    );
  });
});
