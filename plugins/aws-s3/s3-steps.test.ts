// pull_from_s3 / push_to_s3 as the plugin defines them, run with a step context building the s3
// block directly, against s3rver: Prefect's arguments (aws- and minio-credentials) and outputs.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StepContext, StepDefinition } from "ordo/blocks-sdk";
import plugin, { S3Block, s3StepConfig, type S3Config } from "./index.js";
import { startS3TestServer, type S3TestServer } from "./test-server.js";

let server: S3TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startS3TestServer({ bucket: "ordo-steps" });
}, 30_000);

afterAll(async () => {
  await server?.stop();
});

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-s3-steps-"));
  return () => rm(tmp, { recursive: true, force: true });
});

function step(name: string): StepDefinition {
  const found = plugin.steps!.find((s) => s.name === name || s.aliases.includes(name));
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

function context(directory: string, built: Record<string, unknown>[] = []): StepContext & { logs: string[] } {
  const logs: string[] = [];
  return {
    directory,
    logs,
    log: (m) => logs.push(m),
    createBlock<T>(slug: string, config: Record<string, unknown>): T {
      expect(slug).toBe("s3");
      built.push(config);
      return new S3Block(config as S3Config) as T;
    },
  };
}

describe("push_to_s3 then pull_from_s3", () => {
  it("uploads the project minus the ignore file's matches and pulls it back, with Prefect's outputs", async () => {
    const project = path.join(tmp, "project");
    await mkdir(path.join(project, "lib"), { recursive: true });
    await writeFile(path.join(project, "flow.ts"), "flow");
    await writeFile(path.join(project, "lib/util.ts"), "util");
    await writeFile(path.join(project, "secret.env"), "x");
    await writeFile(path.join(project, "deploy.ignore"), "*.env\n");
    const credentials = {
      aws_access_key_id: server.accessKeyId,
      aws_secret_access_key: server.secretAccessKey,
      region_name: "us-east-1",
    };
    const client_parameters = { endpoint_url: server.endpoint };

    const pushed = await step("push_to_s3").run(
      { bucket: server.bucket, folder: "my-project", credentials, client_parameters, ignore_file: "deploy.ignore" },
      context(project),
    );
    expect(pushed).toEqual({ bucket: server.bucket, folder: "my-project", files: 3 });

    const run = path.join(tmp, "run");
    const ctx = context(run);
    const pulled = await step("pull_from_s3").run(
      { bucket: server.bucket, folder: "my-project", credentials, client_parameters },
      ctx,
    );
    expect(pulled).toEqual({ bucket: server.bucket, folder: "my-project", directory: run });
    expect((await readdir(run, { recursive: true })).sort()).toEqual([
      "deploy.ignore",
      "flow.ts",
      "lib",
      "lib/util.ts",
    ]);
    expect(await readFile(path.join(run, "lib/util.ts"), "utf8")).toBe("util");
    expect(ctx.logs).toEqual([`pull_from_s3: copying my-project into ${run}`]);
  });

  it("answers to Prefect 2's older names and takes minio-credentials fields", async () => {
    const project = path.join(tmp, "project");
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, "flow.ts"), "minio");
    const credentials = {
      minio_root_user: server.accessKeyId,
      minio_root_password: server.secretAccessKey,
      aws_client_parameters: { endpoint_url: server.endpoint },
    };
    await step("push_project_to_s3").run({ bucket: server.bucket, folder: "minio", credentials }, context(project));
    const run = path.join(tmp, "run");
    await step("pull_project_from_s3").run({ bucket: server.bucket, folder: "minio", credentials }, context(run));
    expect(await readFile(path.join(run, "flow.ts"), "utf8")).toBe("minio");
  });

  it("a failing pull names the bucket and not the secret", async () => {
    const credentials = { aws_access_key_id: "AKIAWRONG", aws_secret_access_key: "very-secret-value" };
    const attempt = step("pull_from_s3").run(
      {
        bucket: server.bucket,
        folder: "my-project",
        credentials,
        client_parameters: { endpoint_url: server.endpoint },
      },
      context(path.join(tmp, "run")),
    );
    await expect(attempt).rejects.toThrow(`s3 bucket "${server.bucket}": InvalidAccessKeyId`);
    await expect(attempt).rejects.not.toThrow(/very-secret-value|AKIAWRONG/);
  });
});

describe("step definitions and arguments", () => {
  it("declares Prefect's arguments, credentials and client parameters as secret", () => {
    expect(step("pull_from_s3")).toMatchObject({
      kind: "pull",
      args: ["bucket", "folder", "credentials", "client_parameters"],
      required: ["bucket", "folder"],
      secretArgs: ["credentials", "client_parameters"],
    });
    expect(step("push_to_s3")).toMatchObject({
      kind: "push",
      args: ["bucket", "folder", "credentials", "client_parameters", "ignore_file"],
    });
  });

  it("maps arguments to a configuration, client_parameters winning, absent values left out", () => {
    expect(s3StepConfig({ bucket: "b", folder: "f" })).toEqual({
      config: { bucket_path: "b" },
      folder: "f",
      outputs: { bucket: "b", folder: "f" },
    });
    expect(
      s3StepConfig({
        bucket: "b",
        folder: "",
        credentials: {
          aws_access_key_id: "k",
          aws_secret_access_key: "s",
          aws_session_token: "t",
          region_name: "eu-west-1",
          profile_name: "ignored",
        },
        client_parameters: { region_name: "eu-west-3", endpoint_url: "http://minio:9000", verify: false },
      }),
    ).toEqual({
      config: {
        bucket_path: "b",
        aws_access_key_id: "k",
        aws_secret_access_key: "s",
        aws_session_token: "t",
        region_name: "eu-west-3",
        endpoint_url: "http://minio:9000",
      },
      folder: null,
      outputs: { bucket: "b", folder: "" },
    });
  });

  it.each([
    [{ bucket: "s3://b", folder: "f" }, "bucket must be a bucket name"],
    [{ bucket: "b/x", folder: "f" }, "bucket must be a bucket name"],
    [{ bucket: "b", folder: 3 }, "folder must be a string"],
    [{ bucket: "b", folder: "f", credentials: "k:s" }, "credentials must be an object"],
    [
      { bucket: "b", folder: "f", credentials: { aws_access_key_id: 12 } },
      "credentials: aws_access_key_id must be a string",
    ],
  ])("refuses %j", (args, message) => {
    expect(() => s3StepConfig(args)).toThrow(message);
  });
});
