// `ordo deploy` refusing bad projects: each case is a small ordo.yaml run through the real binary,
// which must exit non-zero with one line naming the file and line (or the step, or the name) — and
// leave the server without a deployment. (Mistakes found without a server: deploy-input.test.ts.)
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ordo, type CliResult } from "../harness/cli.js";
import { createTestApp, type TestApp } from "../harness/test-app.js";
import { graphql } from "../harness/documents.js";

let t: TestApp;
let url: string;
let dir: string;

const deployment = (extra = "") => `deployments:\n  - name: a\n    entrypoint: flows/greet.ts:greet\n${extra}`;

// file name → [content, extra arguments, what stderr's last line must say]
const CASES: Record<string, [string, string[], RegExp]> = {
  "unknown-field": [
    deployment("    work_pool:\n      name: p\n      queue: q\n    shedules: []\n"),
    [],
    /^ordo: unknown-field\.yaml:7:\d+: unknown field "deployments\.0\.shedules"; unknown-field\.yaml:6:\d+: unknown field "deployments\.0\.work_pool\.queue"$/,
  ],
  "unknown-step": [
    `build:\n  - run_shell_script: { script: "true" }\n  - prefect_nomad.deployments.steps.build_nomad_job: { image_name: x }\n${deployment()}`,
    [],
    // Ordo's own steps, then the installed plugins' (loaded because the step is not Ordo's)
    /^ordo: unknown-step\.yaml:3:5: build\[1\]: unknown step "prefect_nomad\.deployments\.steps\.build_nomad_job" \(known: run_shell_script, push_to_storage, [a-z0-9_, ]*build_docker_image[a-z0-9_, ]*\)$/,
  ],
  "failing-build": [
    `build:\n  - run_shell_script:\n      id: ok\n      script: echo fine\n  - run_shell_script:\n      script: |\n        echo compiling\n        echo "error: missing semicolon" >&2\n        exit 3\n        echo never\n${deployment()}`,
    [],
    /^ordo: failing-build\.yaml:5:5: build\[1\] run_shell_script failed: exited with code 3: error: missing semicolon$/,
  ],
  "unknown-output": [
    `build:\n  - run_shell_script: { id: image, script: echo img }\n${deployment('    version: "{{ image.tag }}"\n')}`,
    [],
    /^ordo: unknown-output\.yaml:6:14: deployments\[0\]\.version: \{\{ image\.tag \}\}: step "image" outputs stdout, stderr, not tag$/,
  ],
  "unknown-reference-in-pull": [
    deployment('    pull:\n      - git_clone: { repository: "{{ build.repo }}" }\n'),
    [],
    /^ordo: unknown-reference-in-pull\.yaml:5:\d+: deployments\[0\]\.pull\[0\] git_clone: \{\{ build\.repo \}\} is not an output of an earlier step/,
  ],
  "missing-block": [
    deployment(
      '    pull:\n      - pull_from_storage: { block: "{{ ordo.blocks.local-file-system.nope.basePath }}" }\n',
    ),
    [],
    /^ordo: missing-block\.yaml:5:\d+: .*no block document local-file-system\/nope on the server/,
  ],
  "unknown-name": [
    deployment(),
    ["-n", "b"],
    /^ordo: no deployment named "b" in unknown-name\.yaml \(it defines: a\)$/,
  ],
  "two-without-name": [
    `${deployment()}  - name: b\n    entrypoint: flows/greet.ts:greet\n`,
    [],
    /^ordo: two-without-name\.yaml defines 2 deployments \(a, b\): name one with -n NAME, or deploy them all with --all$/,
  ],
  "bad-export": [
    deployment().replace(":greet", ":nothere"),
    [],
    /^ordo: bad-export\.yaml:3:17: deployments\[0\]\.entrypoint: flows\/greet\.ts has no export "nothere" \(it exports: greet\)$/,
  ],
};

beforeAll(async () => {
  t = await createTestApp();
  url = (await t.app.start()).url;
  dir = await mkdtemp(path.join(os.tmpdir(), "ordo-deploy-bad-"));
  await cp(path.resolve(import.meta.dirname, "../fixtures/cli/project-storage/flows"), path.join(dir, "flows"), {
    recursive: true,
  });
  await Promise.all(
    Object.entries(CASES).map(([name, [content]]) => writeFile(path.join(dir, `${name}.yaml`), content)),
  );
});

afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("ordo deploy with bad input", () => {
  it("exits 1 with a one-line reason naming the place, and writes nothing", async () => {
    const results: Record<string, CliResult> = {};
    // in parallel: each spawn is ~1 s of start-up
    await Promise.all(
      Object.entries(CASES).map(async ([name, [, args]]) => {
        results[name] = await ordo(url, ["deploy", "-f", `${name}.yaml`, ...args], { cwd: dir });
      }),
    );
    for (const [name, [, , reason]] of Object.entries(CASES)) {
      const r = results[name]!;
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stdout, name).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines.at(-1), name).toMatch(reason);
      // one line, except a failing step's own output shown before it
      if (name !== "failing-build") expect(lines, name).toHaveLength(1);
    }
    // the failing step's output is shown, and the steps before it ran
    expect(results["failing-build"]!.stderr).toMatch(/fine\n[\s\S]*compiling\nerror: missing semicolon\n/);
    expect(results["failing-build"]!.stderr).not.toContain("never");
    const { deployments } = await t.ok(graphql(`query { deployments { totalCount } }`));
    expect(deployments.totalCount).toBe(0);
  });

  it("names the file it cannot read, and a flag it cannot combine", async () => {
    const [missing, both] = await Promise.all([
      ordo(url, ["deploy"], { cwd: dir }),
      ordo(url, ["deploy", "-f", "unknown-name.yaml", "--all", "-n", "a"], { cwd: dir }),
    ]);
    expect(missing).toMatchObject({ code: 1, stderr: "ordo: cannot read ordo.yaml: no such file\n" });
    expect(both).toMatchObject({ code: 1, stderr: "ordo: give --all or -n NAME, not both\n" });
  });
});
