// Placeholders and step parsing shared by pull steps and `ordo deploy`: each reference kind, typed whole-string values, KEEP, block values.
import { describe, expect, it } from "vitest";
import { checkArgs, parseStep } from "./step-spec.js";
import { blockValue, findReferences, KEEP, parseReference, renderTemplates, type Reference } from "./templating.js";

describe("parseReference", () => {
  it.each([
    ["$HOME", { kind: "env", name: "HOME" }],
    ["build.image", { kind: "output", path: ["build", "image"] }],
    ["build-step.items[1].name", { kind: "output", path: ["build-step", "items", "1", "name"] }],
    [
      "ordo.blocks.local-file-system.store",
      { kind: "block", typeSlug: "local-file-system", name: "store", keyPath: [] },
    ],
    ["prefect.blocks.secret.token.value", { kind: "block", typeSlug: "secret", name: "token", keyPath: ["value"] }],
    ["prefect.variables.region", { kind: "variable", name: "region" }],
  ])("%s", (raw, expected) => {
    expect(parseReference(raw)).toMatchObject({ raw, ...expected });
  });

  it("wants a block type and a name", () => {
    expect(() => parseReference("ordo.blocks.secret")).toThrow(
      /must name a block as ordo.blocks.<block-type>.<block-name>/,
    );
  });
});

describe("renderTemplates", () => {
  const values: Record<string, unknown> = { "build.image": "acme/app:1", "build.config": { a: 1 }, $N: "3" };
  const resolve = (ref: Reference) => (ref.kind === "block" ? KEEP : values[ref.raw]);

  it("keeps the type of a whole-string placeholder, writes text inside longer strings, and walks objects and lists", async () => {
    const rendered = await renderTemplates(
      {
        image: "{{ build.image }}",
        config: " {{build.config}} ",
        label: "img={{ build.image }} n={{ $N }} c={{ build.config }}",
        list: ["{{ $N }}", 4],
        key: true,
      },
      resolve,
    );
    expect(rendered).toEqual({
      image: "acme/app:1",
      config: { a: 1 },
      label: 'img=acme/app:1 n=3 c={"a":1}',
      list: ["3", 4],
      key: true,
    });
  });

  it("leaves a placeholder as written when the resolver answers KEEP", async () => {
    expect(
      await renderTemplates(
        { a: "{{ ordo.blocks.s3.bucket }}", b: "x {{ ordo.blocks.s3.bucket.name }} {{ $N }}" },
        resolve,
      ),
    ).toEqual({
      a: "{{ ordo.blocks.s3.bucket }}",
      b: "x {{ ordo.blocks.s3.bucket.name }} 3",
    });
  });

  it("finds every placeholder with the path of the value holding it", () => {
    expect(
      findReferences({ a: ["x", "{{ $A }}-{{ b.c }}"], d: { e: "{{ ordo.blocks.t.n }}" } }).map((r) => [
        r.ref.raw,
        r.at,
      ]),
    ).toEqual([
      ["$A", ["a", 1]],
      ["b.c", ["a", 1]],
      ["ordo.blocks.t.n", ["d", "e"]],
    ]);
  });
});

describe("blockValue", () => {
  const ref = (raw: string) => parseReference(raw) as Extract<Reference, { kind: "block" }>;

  it("is the block's data, a field of it, or the lone `value` of a value block", () => {
    expect(blockValue(ref("ordo.blocks.lfs.store"), { basePath: "/data" })).toEqual({ basePath: "/data" });
    expect(blockValue(ref("ordo.blocks.lfs.store.basePath"), { basePath: "/data" })).toBe("/data");
    expect(blockValue(ref("ordo.blocks.secret.token"), { value: "s3cr3t" })).toBe("s3cr3t");
    expect(blockValue(ref("ordo.blocks.secret.token.value"), { value: "s3cr3t" })).toBe("s3cr3t");
    expect(() => blockValue(ref("ordo.blocks.lfs.store.nope"), { basePath: "/data" })).toThrow(
      /block lfs\/store has no field nope/,
    );
  });
});

describe("parseStep", () => {
  const known = { run_shell_script: {}, git_clone: {} };

  it("takes short, Ordo and Prefect names and aliases; splits off id and requires", () => {
    expect(
      parseStep({ "prefect.deployments.steps.run_shell_script": { id: "x", requires: "p", script: "ls" } }, "w", known),
    ).toEqual({
      given: "prefect.deployments.steps.run_shell_script",
      name: "run_shell_script",
      id: "x",
      args: { script: "ls" },
    });
    expect(
      parseStep({ "ordo.deployments.steps.git_clone_project": null }, "w", known, { git_clone_project: "git_clone" }),
    ).toMatchObject({ name: "git_clone", args: {} });
  });

  it.each([
    [["a"], /w: a step is a one-key object/],
    [{ a: {}, b: {} }, /w: a step is a one-key object/],
    [{ nope: {} }, /w: unknown step "nope" \(known: run_shell_script, git_clone\)/],
    [{ git_clone: "x" }, /w.git_clone: the arguments must be an object/],
    [{ git_clone: { id: 3 } }, /w.git_clone: id must be a non-empty string/],
  ])("names the mistake: %j", (raw, message) => {
    expect(() => parseStep(raw, "w", known)).toThrow(message);
  });

  it("checks arguments after placeholders are resolved", () => {
    const spec = { args: ["a", "b"], required: ["a"] };
    expect(() => checkArgs({ a: "x", c: 1 }, spec, "w")).toThrow(/w: unknown argument c \(accepted: a, b\)/);
    expect(() => checkArgs({ b: "x" }, spec, "w")).toThrow(/w: a must be a non-empty string/);
  });
});
