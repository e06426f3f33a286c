// The storage catalog end to end, as a user runs it: `ordo deploy` uploads a project (minus its
// .ordoignore) to each storage type's real server — S3 on s3rver, Azure on Azurite, a
// remote-file-system over s3:// — or names a git repository (file:// and git's smart HTTP with a
// token); a real worker pulls the code through the plugins and the run COMPLETES. Wrong
// credentials fail the run with a message naming the block or repository, never the secret.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3TestServer, type S3TestServer } from "../../plugins/aws-s3/test-server.js";
import { startAzuriteTestServer, type AzuriteTestServer } from "../../plugins/azure-blob/test-server.js";
import { createRepository, startGitHttpServer, type GitHttpServer } from "../../plugins/git/test-server.js";
import { ordo } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { eventually } from "../harness/eventually.js";
import { WorkerProcess } from "../harness/worker-process.js";
import { graphql } from "../harness/documents.js";

const GREET = path.resolve(import.meta.dirname, "../fixtures/cli/project-storage/flows/greet.ts");
const POOL = "catalog-pool";
const TOKEN = "ghp_catalogTestToken1234567890";
const S3_WRONG_SECRET = "wrong-secret-Zq8vK2";
const AZURE_WRONG_KEY = Buffer.from("not the account key, 32 bytes!!").toString("base64");

let t: TestApp;
let url: string;
let tmp: string;
let project: string;
let s3: S3TestServer;
let azure: AzuriteTestServer;
let gitHttp: GitHttpServer;
let repoUrl: string;

const createBlock = `mutation($input: CreateBlockDocumentInput!) { createBlockDocument(input: $input) { id } }`;

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  tmp = await mkdtemp(path.join(os.tmpdir(), "ordo-catalog-"));
  [s3, azure] = await Promise.all([startS3TestServer(), startAzuriteTestServer()]);

  // a project: the flow, plus what .ordoignore keeps off every storage
  project = path.join(tmp, "project");
  await mkdir(path.join(project, "flows"), { recursive: true });
  await cp(GREET, path.join(project, "flows/greet.ts"));
  await mkdir(path.join(project, "build"));
  await writeFile(path.join(project, "build/out.txt"), "built");
  await writeFile(path.join(project, "secret.txt"), "do not ship");
  await writeFile(path.join(project, ".ordoignore"), "secret.txt\nbuild/\nordo.*.yaml\n");

  // the same flow in a git repository, served over file:// and smart HTTP with a token
  const repos = path.join(tmp, "repos");
  const repo = await createRepository(path.join(repos, "greetings"), {
    "flows/greet.ts": await readFile(GREET, "utf8"),
    "secret.txt": "in the repo",
  });
  repoUrl = repo.url;
  gitHttp = await startGitHttpServer({ projectRoot: repos, token: TOKEN });

  const blocks: Array<[string, string, Record<string, unknown>]> = [
    [
      "s3",
      "dev",
      {
        bucket_path: `${s3.bucket}/team`,
        aws_access_key_id: s3.accessKeyId,
        aws_secret_access_key: s3.secretAccessKey,
        endpoint_url: s3.endpoint,
      },
    ],
    [
      "aws-credentials",
      "dev",
      {
        aws_access_key_id: s3.accessKeyId,
        aws_secret_access_key: s3.secretAccessKey,
        aws_client_parameters: { endpoint_url: s3.endpoint },
      },
    ],
    [
      "azure",
      "dev",
      { bucket_path: `${azure.container}/team`, azure_storage_connection_string: azure.connectionString },
    ],
    [
      "remote-file-system",
      "dev",
      {
        basepath: `s3://${s3.bucket}/remote`,
        settings: { key: s3.accessKeyId, secret: s3.secretAccessKey, client_kwargs: { endpoint_url: s3.endpoint } },
      },
    ],
    ["github", "repo", { repository: repo.url, reference: "main" }],
    ["github-credentials", "token", { token: TOKEN }],
    ["github-credentials", "wrong", { token: "ghp_wrongTokenWrongToken000" }],
  ];
  for (const [blockTypeSlug, name, data] of blocks) await t.ok(createBlock, { input: { blockTypeSlug, name, data } });
  await t.ok(graphql(`mutation($name: String!) { createWorkPool(input: { name: $name, type: "process" }) { id } }`), {
    name: POOL,
  });
  new WorkerProcess(url, ["--pool", POOL, "--poll-seconds", "1"]);
});

afterAll(async () => {
  await WorkerProcess.killAll();
  await t?.close();
  await Promise.all([s3?.stop(), azure?.stop(), gitHttp?.stop()]);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Writes ordo.<name>.yaml with these sections and deploys it; returns the deployment's slug. */
async function deploy(name: string, sections: string): Promise<string> {
  const file = `ordo.${name}.yaml`;
  const yaml = `${sections}
deployments:
  - name: ${name}
    entrypoint: flows/greet.ts:greet
    parameters: { greeting: "Hello from ${name}" }
    work_pool: { name: ${POOL} }
`;
  await writeFile(path.join(project, file), yaml);
  const r = await ordo(url, ["deploy", "-f", file, "--json"], { cwd: project });
  expect(r.code, r.stderr).toBe(0);
  return `greet/${name}`;
}

interface Finished {
  stateType: string;
  message: string | null;
  data: { greeting: string; files: string[] } | null;
}

async function run(slug: string): Promise<Finished> {
  const { createFlowRun } = await t.ok(
    graphql(`mutation($slug: String!) { createFlowRun(input: { deploymentSlug: $slug }) { id } }`),
    { slug },
  );
  const r = await eventually(
    async () => {
      const { flowRun } = await t.ok(
        graphql(`query($id: ID!) { flowRun(id: $id) { stateType state { message data } } }`),
        {
          id: createFlowRun.id,
        },
      );
      return ["COMPLETED", "FAILED", "CRASHED"].includes(flowRun.stateType) && flowRun;
    },
    { timeoutMs: 45_000, what: `run of ${slug} to finish` },
  );
  return { stateType: r.stateType, message: r.state.message, data: r.state.data };
}

function expectCompletedWithProjectFiles(r: Finished, name: string) {
  expect(r.stateType, r.message ?? "").toBe("COMPLETED");
  expect(r.data!.greeting).toBe(`Hello from ${name}`);
  // the flow lists its working directory: the code arrived, what .ordoignore names did not
  expect(r.data!.files).toContain("flows");
  expect(r.data!.files).not.toContain("secret.txt");
  expect(r.data!.files).not.toContain("build");
}

const storageRoute = (block: string) => `push:
  - push_to_storage: { id: upload, block: ${block}, path: greetings }
pull:
  - pull_from_storage: { block: "{{ upload.block }}", path: "{{ upload.path }}" }`;

async function setBlockData(slug: string, data: Record<string, unknown>) {
  const { blockDocument } = await t.ok(graphql(`query($slug: String!) { blockDocument(slug: $slug) { id } }`), {
    slug,
  });
  await t.ok(
    graphql(`mutation($id: ID!, $data: JSON!) { updateBlockDocument(id: $id, data: $data, merge: true) { id } }`),
    {
      id: blockDocument.id,
      data,
    },
  );
}

describe("the catalog's blocks", () => {
  it("mask every secret field in responses, whatever the plugin", async () => {
    const { blockDocuments } = await t.ok(graphql(`{ blockDocuments(first: 50) { edges { node { slug data } } } }`));
    const data = Object.fromEntries(
      blockDocuments.edges.map((e: { node: { slug: string; data: unknown } }) => [e.node.slug, e.node.data]),
    );
    expect(data["s3/dev"]).toMatchObject({
      aws_access_key_id: "********",
      aws_secret_access_key: "********",
      endpoint_url: s3.endpoint,
    });
    expect(data["aws-credentials/dev"]).toMatchObject({ aws_secret_access_key: "********" });
    expect(data["azure/dev"]).toMatchObject({ azure_storage_connection_string: "********" });
    expect(data["remote-file-system/dev"]).toMatchObject({ settings: "********" });
    expect(data["github-credentials/token"]).toEqual({ token: "********" });
    const text = JSON.stringify(blockDocuments);
    for (const secret of [azure.accountKey, azure.connectionString, TOKEN]) expect(text).not.toContain(secret);
  });
});

describe("object stores: push the project with `ordo deploy`, the worker pulls it", () => {
  it("s3 on s3rver, azure on Azurite and remote-file-system over s3://, each through its storage block", async () => {
    const slugs = await Promise.all([
      deploy("s3", storageRoute("s3/dev")),
      deploy("azure", storageRoute("azure/dev")),
      deploy("remote", storageRoute("remote-file-system/dev")),
    ]);
    const results = await Promise.all(slugs.map(run));
    expectCompletedWithProjectFiles(results[0]!, "s3");
    expectCompletedWithProjectFiles(results[1]!, "azure");
    expectCompletedWithProjectFiles(results[2]!, "remote");
  });

  it("Prefect's push_to_s3 / pull_from_s3 steps, credentials from an aws-credentials block resolved on the worker", async () => {
    const slug = await deploy(
      "s3-steps",
      `push:
  - prefect_aws.deployments.steps.push_to_s3:
      id: up
      bucket: ${s3.bucket}
      folder: steps-project
      credentials: "{{ ordo.blocks.aws-credentials.dev }}"
pull:
  - prefect_aws.deployments.steps.pull_from_s3:
      bucket: "{{ up.bucket }}"
      folder: "{{ up.folder }}"
      credentials: "{{ ordo.blocks.aws-credentials.dev }}"`,
    );
    const stored = await t.ok(graphql(`query($slug: String!) { deployment(slug: $slug) { pullSteps } }`), { slug });
    // the secret stays in its block: the stored step keeps the reference
    expect(JSON.stringify(stored.deployment.pullSteps)).toContain("{{ ordo.blocks.aws-credentials.dev }}");
    expectCompletedWithProjectFiles(await run(slug), "s3-steps");
  });

  it("the older spec's flow_storage: an inline s3 block, the flow's folder uploaded to it", async () => {
    await writeFile(
      path.join(project, "ordo.old-spec.yaml"),
      `name: old-spec
flow_location: ./flows/greet.ts
parameters: { greeting: "Hello from old-spec" }
work_pool_name: ${POOL}
flow_storage:
  type: s3
  bucket_path: ${s3.bucket}/old-spec
  aws_access_key_id: ${s3.accessKeyId}
  aws_secret_access_key: ${s3.secretAccessKey}
  endpoint_url: ${s3.endpoint}
`,
    );
    const r = await ordo(url, ["deployment", "apply", "ordo.old-spec.yaml"], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const done = await run("greet/old-spec");
    expect(done.stateType, done.message ?? "").toBe("COMPLETED");
    expect(done.data!.files).toEqual(["greet.ts"]);
  });

  it("wrong credentials fail the run naming the block, and the message never holds the secret", async () => {
    // s3rver checks the key id, not the signature: both wrong, as a mistyped pair would be
    await setBlockData("s3/dev", { aws_access_key_id: "AKIAWRONGKEYID000000", aws_secret_access_key: S3_WRONG_SECRET });
    await setBlockData("azure/dev", {
      azure_storage_connection_string: azure.connectionString.replace(azure.accountKey, AZURE_WRONG_KEY),
    });
    const [s3Run, azureRun] = await Promise.all([run("greet/s3"), run("greet/azure")]);
    for (const [r, block, secret] of [
      [s3Run, "s3/dev", S3_WRONG_SECRET],
      [azureRun, "azure/dev", AZURE_WRONG_KEY],
    ] as const) {
      expect(r.stateType, r.message ?? "").toBe("FAILED");
      expect(r.message).toContain(block);
      expect(r.message).not.toContain(secret);
    }
  });
});

describe("git repositories: no upload, the worker clones", () => {
  it("the github block over file://, and git_clone over smart HTTP with a github-credentials block", async () => {
    const [fromBlock, cloneHttp] = await Promise.all([
      deploy("github", `push: []\npull:\n  - pull_from_storage: { block: github/repo }`),
      deploy(
        "git-http",
        `pull:
  - git_clone: { id: clone, repository: "${gitHttp.url("greetings")}", branch: main, credentials: "{{ ordo.blocks.github-credentials.token }}" }`,
      ),
    ]);
    const [a, b] = await Promise.all([run(fromBlock), run(cloneHttp)]);
    for (const [r, name] of [
      [a, "github"],
      [b, "git-http"],
    ] as const) {
      expect(r.stateType, r.message ?? "").toBe("COMPLETED");
      expect(r.data!.greeting).toBe(`Hello from ${name}`);
      expect(r.data!.files).toContain("secret.txt"); // a repository is taken whole: .ordoignore is for uploads
    }
    expect(gitHttp.requests.some((q) => q.authorized)).toBe(true);
  });

  it("a wrong token fails the run naming the repository, without the token", async () => {
    const slug = await deploy(
      "git-wrong",
      `pull:
  - git_clone: { repository: "${gitHttp.url("greetings")}", branch: main, credentials: "{{ ordo.blocks.github-credentials.wrong }}" }`,
    );
    const r = await run(slug);
    expect(r.stateType, r.message ?? "").toBe("FAILED");
    expect(r.message).toContain(gitHttp.url("greetings").replace(/^http:\/\//, ""));
    expect(r.message).not.toContain("ghp_wrongTokenWrongToken000");
    expect(r.message).not.toContain(Buffer.from("ghp_wrongTokenWrongToken000").toString("base64"));
  });
});
