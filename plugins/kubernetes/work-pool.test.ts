// The kubernetes work-pool type end to end without a cluster: its base job template rendered by
// Ordo's own job-variables code, the result accepted by the kubernetes-job schema, and the block
// built from it creating the Job on the emulated API server.
import { Ajv2020 } from "ajv/dist/2020.js";
import type { BlockLogger } from "ordo/blocks-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobConfigurationFor } from "../../src/domain/work-pools/job-variables.js";
import {
  CONTAINER_EXECUTE_COMMAND,
  KubernetesJobBlock,
  kubernetesBaseJobTemplate,
  kubernetesJobSchema,
  type KubernetesJobConfig,
} from "./index.js";
import { startKubernetesApiEmulator, type KubernetesApiEmulator } from "./test-server.js";

type Obj = Record<string, any>;
const logger: BlockLogger = { debug() {}, info() {}, warn() {}, error() {} };
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
let api: KubernetesApiEmulator;

beforeAll(async () => {
  api = await startKubernetesApiEmulator();
});
afterAll(async () => {
  await api?.stop();
});

/** What the worker does: the run's job configuration, checked against the block's schema, built into the block. */
function blockFor(deploymentVariables: Obj, runVariables: Obj = {}) {
  const config = jobConfigurationFor(kubernetesBaseJobTemplate, deploymentVariables, runVariables);
  const validate = ajv.compile(kubernetesJobSchema);
  if (!validate(config)) throw new Error(`schema refused the job configuration: ${ajv.errorsText(validate.errors)}`);
  return { config, block: new KubernetesJobBlock(config as KubernetesJobConfig, { logger }) };
}

/** The worker's job: its host command and its env (ORDO_*) over the configuration's. */
async function runWorkerJob(block: KubernetesJobBlock, config: Obj) {
  const before = api.requests.filter((r) => r.method === "POST").length;
  const result = await block.run({
    command: [process.execPath, "/srv/ordo/bin/ordo.mjs", "flow-run", "execute", "run-7"],
    defaultCommand: true,
    env: { ...config.env, ORDO_API_URL: "http://ordo:4200/graphql", ORDO_FLOW_RUN_ID: "run-7" },
    labels: { ...config.labels, "ordo.flow-run-id": "run-7" },
  });
  return { result, body: api.requests.filter((r) => r.method === "POST")[before]!.body as Obj };
}

describe("the kubernetes base job template", () => {
  it("is a strict, valid JSON Schema whose every placeholder is a declared variable", () => {
    expect(() => ajv.compile(kubernetesBaseJobTemplate.variables)).not.toThrow();
    const used = [
      ...JSON.stringify(kubernetesBaseJobTemplate.job_configuration).matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g),
    ].map((m) => m[1]!);
    expect(used.filter((n) => !(n in kubernetesBaseJobTemplate.variables.properties))).toEqual([]);
    expect(new Set(used)).toEqual(new Set(Object.keys(kubernetesBaseJobTemplate.variables.properties)));
  });

  it("renders with only an image and the defaults (unset variables dropped) into a Job the API server gets", async () => {
    const { config, block } = blockFor({ image: "registry.example/flows:1", cluster_config: api.clusterConfig });
    // Ordo's renderer drops unset keys; "{{ name }}-" inside a string stays as written
    expect(config).not.toHaveProperty("command");
    expect(config).not.toHaveProperty("job_watch_timeout_seconds");
    expect(config.job_manifest).toMatchObject({
      metadata: { namespace: "default", generateName: "{{ name }}-" },
      spec: { backoffLimit: 0 },
    });
    expect(config).toMatchObject({ namespace: "default", pod_watch_timeout_seconds: 60, stream_output: true });

    const { result, body } = await runWorkerJob(block, config);
    expect(result.exitCode).toBe(0);
    expect(body.metadata).toEqual({
      namespace: "default",
      generateName: "ordo-job-",
      labels: { "ordo.flow-run-id": "run-7" },
    });
    expect(body.spec).toEqual({
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "ordo-job",
              image: "registry.example/flows:1",
              imagePullPolicy: "IfNotPresent",
              args: CONTAINER_EXECUTE_COMMAND,
              env: [
                { name: "ORDO_API_URL", value: "http://ordo:4200/graphql" },
                { name: "ORDO_FLOW_RUN_ID", value: "run-7" },
              ],
            },
          ],
        },
      },
    });
  });

  it("carries every variable into the manifest: name, namespace, env, labels, command string, account, policy, ttl, backoff", async () => {
    const { config, block } = blockFor(
      {
        image: "img:2",
        name: "nightly",
        namespace: "flows",
        env: { TEAM: "data" },
        labels: { team: "data" },
        command: "ordo flow-run execute --verbose",
        service_account_name: "runner",
        image_pull_policy: "Always",
        finished_job_ttl: 300,
        backoff_limit: 1,
        job_watch_timeout_seconds: 30,
        cluster_config: api.clusterConfig,
      },
      { "env.RUN_ONLY": "yes" },
    );
    const { result, body } = await runWorkerJob(block, config);
    expect(result.exitCode).toBe(0);
    expect(body.metadata).toEqual({
      namespace: "flows",
      generateName: "nightly-",
      labels: { team: "data", "ordo.flow-run-id": "run-7" },
    });
    expect(body.spec).toMatchObject({
      backoffLimit: 1,
      ttlSecondsAfterFinished: 300,
      template: { spec: { serviceAccountName: "runner" } },
    });
    expect(body.spec.template.spec.containers[0]).toMatchObject({
      image: "img:2",
      imagePullPolicy: "Always",
      args: ["ordo", "flow-run", "execute", "--verbose"],
      env: expect.arrayContaining([
        { name: "TEAM", value: "data" },
        { name: "RUN_ONLY", value: "yes" },
        { name: "ORDO_FLOW_RUN_ID", value: "run-7" },
      ]),
    });
  });

  it("a job variable of the wrong type is refused by the schema or the Job validation, naming the field", async () => {
    expect(() => blockFor({ image: "i", pod_watch_timeout_seconds: "soon" })).toThrow(
      /pod_watch_timeout_seconds must be integer/,
    );
    const { block, config } = blockFor({ image: "i", backoff_limit: "zero", cluster_config: api.clusterConfig });
    await expect(runWorkerJob(block, config)).rejects.toThrow(
      "the Job manifest is invalid: spec.backoffLimit must be integer",
    );
  });
});
