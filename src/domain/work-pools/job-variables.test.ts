// Job-variable layering and template rendering, as workers receive them.
import { describe, expect, it } from "vitest";
import {
  expandDotKeys,
  jobConfigurationFor,
  mergeJobVariables,
  renderJobConfiguration,
  variableDefaults,
} from "./job-variables.js";

const template = {
  job_configuration: {
    command: "{{ command }}",
    env: "{{ env }}",
    image: "repo/{{ image }}:latest",
    labels: { team: "{{ team }}" },
    unset: "{{ nothing }}",
  },
  variables: {
    type: "object",
    properties: {
      command: { type: "array" },
      env: { type: "object", default: { A: "pool" } },
      image: { type: "string", default: "base" },
      team: { type: "string" },
      nothing: { type: "string" },
    },
  },
};

describe("job variables", () => {
  it("expands dot keys, the nested form winning", () => {
    expect(expandDotKeys({ "env.A": "1", "env.B": "2", x: 1 })).toEqual({ env: { A: "1", B: "2" }, x: 1 });
    expect(expandDotKeys({ env: { A: "nested" }, "env.A": "dotted" })).toEqual({ env: { A: "nested" } });
  });

  it("layers pool defaults ← deployment ← run, merging env maps", () => {
    const merged = mergeJobVariables(
      variableDefaults(template),
      { env: { B: "dep" }, image: "dep" },
      { "env.C": "run", image: "run" },
    );
    expect(merged).toEqual({ env: { A: "pool", B: "dep", C: "run" }, image: "run" });
  });

  it("renders whole placeholders with their type, interpolates partial ones, drops missing", () => {
    expect(renderJobConfiguration(template, { command: ["a", "b"], env: { X: "1" }, image: "i", team: "t" })).toEqual({
      command: ["a", "b"],
      env: { X: "1" },
      image: "repo/i:latest",
      labels: { team: "t" },
    });
  });

  it("passes variables straight through for a pool without a template", () => {
    expect(jobConfigurationFor({}, { command: ["x"] }, { "env.K": "v" })).toEqual({ command: ["x"], env: { K: "v" } });
    expect(jobConfigurationFor(template, { env: { B: "dep" } }, { command: ["run"] })).toMatchObject({
      command: ["run"],
      env: { A: "pool", B: "dep" },
      image: "repo/base:latest",
    });
  });
});
