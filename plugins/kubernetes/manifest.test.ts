// Manifest rendering (shortcut fields, the run's env/labels/command, RFC 6902 customizations) and
// validation by kubernetes-models against the batch/v1 Job schema. No cluster involved.
import { describe, expect, it } from "vitest";
import {
  buildJobManifest,
  CONTAINER_EXECUTE_COMMAND,
  renderJobManifest,
  splitCommand,
  validateJobManifest,
} from "./manifest.js";
import type { KubernetesJobConfig } from "./schema.js";

type Obj = Record<string, any>;
const job: {
  command: string[];
  defaultCommand?: boolean;
  env: Record<string, string>;
  labels: Record<string, string>;
} = {
  command: ["python", "-m", "flow"],
  env: { ORDO_FLOW_RUN_ID: "run-1", SHARED: "job" },
  labels: { "ordo.flow-run-id": "run-1" },
};
const render = (config: KubernetesJobConfig, j: Partial<typeof job> = {}) =>
  renderJobManifest(config, { ...job, ...j }) as Obj;
const container = (m: Obj) => m.spec.template.spec.containers[0];

describe("rendering", () => {
  it("fills Prefect's minimal Job with the image, namespace, env, labels, command and fixed Job settings", () => {
    const m = render({
      image: "registry.example/flows:1",
      namespace: "flows",
      env: { FROM_BLOCK: "b", SHARED: "block" },
      labels: { team: "data" },
      name: "Nightly ETL",
      service_account_name: "runner",
      image_pull_policy: "Always",
      finished_job_ttl: 600,
    });
    expect(m).toMatchObject({ apiVersion: "batch/v1", kind: "Job" });
    expect(m.metadata).toEqual({
      namespace: "flows",
      generateName: "nightly-etl-",
      labels: { team: "data", "ordo.flow-run-id": "run-1" },
    });
    expect(m.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 600, parallelism: 1, completions: 1 });
    expect(m.spec.template.spec).toMatchObject({ restartPolicy: "Never", serviceAccountName: "runner" });
    expect(container(m)).toEqual({
      name: "ordo-job",
      image: "registry.example/flows:1",
      imagePullPolicy: "Always",
      args: ["python", "-m", "flow"],
      // the run's env wins over the block's
      env: [
        { name: "FROM_BLOCK", value: "b" },
        { name: "SHARED", value: "job" },
        { name: "ORDO_FLOW_RUN_ID", value: "run-1" },
      ],
    });
  });

  it("keeps the given manifest's own namespace, name, valueFrom env and backoffLimit; null env removes a variable", () => {
    const base = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "fixed", namespace: "team-a", labels: { app: "x" } },
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: "OnFailure",
            containers: [
              {
                name: "main",
                image: "img",
                env: [
                  { name: "SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
                  { name: "DROP", value: "1" },
                ],
              },
            ],
          },
        },
      },
    };
    const m = render({ job: base, env: { DROP: null } }, { env: {} });
    expect(m.metadata).toEqual({
      name: "fixed",
      namespace: "team-a",
      labels: { app: "x", "ordo.flow-run-id": "run-1" },
    });
    expect(m.spec.backoffLimit).toBe(2);
    expect(m.spec.template.spec.restartPolicy).toBe("OnFailure");
    expect(container(m).env).toEqual([{ name: "SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]);
    expect(base.metadata.labels).toEqual({ app: "x" }); // the configuration is not mutated
  });

  it("takes the block's command over the run's, splitting a string like a shell", () => {
    expect(container(render({ image: "i", command: ["a", "b"] })).args).toEqual(["a", "b"]);
    expect(container(render({ image: "i", command: `sh -c 'echo "hi there"' x\\ y` })).args).toEqual([
      "sh",
      "-c",
      'echo "hi there"',
      "x y",
    ]);
    expect(splitCommand(`a "b \\"c\\"" ''`)).toEqual(["a", 'b "c"', ""]);
    expect(() => splitCommand("a 'b")).toThrow(/unclosed ' quote/);
  });

  it("replaces the worker's default command (its host's paths) with `ordo flow-run execute` in the image, and keeps a named one", () => {
    const m = render(
      { image: "i" },
      { command: [process.execPath, "/srv/ordo/bin/ordo.mjs", "flow-run", "execute", "run-1"], defaultCommand: true },
    );
    expect(container(m).args).toEqual(CONTAINER_EXECUTE_COMMAND);
    const named = render(
      { image: "i" },
      { command: [process.execPath, "/srv/ordo/bin/ordo.mjs", "flow-run", "execute", "run-1"], defaultCommand: false },
    );
    expect(container(named).args).toEqual([process.execPath, "/srv/ordo/bin/ordo.mjs", "flow-run", "execute", "run-1"]);
  });

  it("makes label values valid Kubernetes label values", () => {
    const m = render({ image: "i", labels: { note: "Hello, World! " + "x".repeat(80) } });
    expect(m.metadata.labels.note).toMatch(/^Hello-World-x+$/);
    expect(m.metadata.labels.note.length).toBeLessThanOrEqual(63);
  });

  it("applies customizations after the shortcuts: add, replace, remove", () => {
    const m = render({
      image: "i",
      labels: { drop: "me" },
      customizations: [
        {
          op: "add",
          path: "/spec/template/spec/containers/0/resources",
          value: { limits: { cpu: "2", memory: "1Gi" } },
        },
        { op: "add", path: "/spec/template/spec/nodeSelector", value: { pool: "gpu" } },
        { op: "replace", path: "/spec/template/spec/containers/0/image", value: "other:2" },
        { op: "remove", path: "/metadata/labels/drop" },
      ],
    });
    expect(container(m).resources).toEqual({ limits: { cpu: "2", memory: "1Gi" } });
    expect(m.spec.template.spec.nodeSelector).toEqual({ pool: "gpu" });
    expect(container(m).image).toBe("other:2");
    expect(m.metadata.labels).not.toHaveProperty("drop");
  });

  it("refuses a customization whose path does not exist, naming it, without dumping the manifest", () => {
    const config: KubernetesJobConfig = {
      image: "i",
      env: { API_KEY: "very-private-value" },
      customizations: [{ op: "replace", path: "/spec/template/spec/volumes/0/name", value: "x" }],
    };
    let error: Error | undefined;
    try {
      render(config);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(
      /^kubernetes-job: customization 0 \(replace \/spec\/template\/spec\/volumes\/0\/name\) cannot be applied: /,
    );
    expect(error?.message).not.toContain("very-private-value");
    expect(() => render({ image: "i", customizations: [{ op: "remove", path: "/metadata/nope" }] })).toThrow(
      /customization 0 \(remove \/metadata\/nope\)/,
    );
    expect(() =>
      render({ image: "i", customizations: [{ op: "add", path: "/__proto__/polluted", value: 1 }] }),
    ).toThrow(/customization 0/);
    expect(({} as Obj).polluted).toBeUndefined();
  });
});

describe("validation against the batch/v1 Job schema (kubernetes-models)", () => {
  it("accepts what the renderer produces", async () => {
    await expect(buildJobManifest({ image: "i", finished_job_ttl: 60 }, job)).resolves.toMatchObject({ kind: "Job" });
  });

  it("refuses a string where an integer is required, naming the field", async () => {
    const m = render({
      image: "i",
      customizations: [{ op: "add", path: "/spec/activeDeadlineSeconds", value: "ten" }],
    });
    await expect(validateJobManifest(m)).rejects.toThrow(
      "kubernetes-job: the Job manifest is invalid: spec.activeDeadlineSeconds must be integer",
    );
  });

  it("names every bad field, deep ones included", async () => {
    const m = render({
      image: "i",
      customizations: [
        { op: "add", path: "/spec/template/spec/containers/0/ports", value: [{ containerPort: "http" }] },
      ],
    });
    await expect(validateJobManifest(m)).rejects.toThrow(
      "spec.template.spec.containers.0.ports.0.containerPort must be integer",
    );
  });

  it("refuses another kind, and a Job without an image", async () => {
    await expect(buildJobManifest({ job: { apiVersion: "v1", kind: "Pod" } }, job)).rejects.toThrow(
      "must be a batch/v1 Job, not v1 Pod",
    );
    await expect(buildJobManifest({}, job)).rejects.toThrow("no container image: set `image`");
  });
});
