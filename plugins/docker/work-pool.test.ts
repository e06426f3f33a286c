// The docker pool's base job template as Ordo's worker uses it: rendered with a deployment's job
// variables (unset ones left out), the job configuration must be a valid docker-container config.
import { describe, expect, it } from "vitest";
import { jobConfigurationFor, variableDefaults } from "../../src/domain/work-pools/job-variables.js";
import { createAjv } from "../../src/validation/ajv.js";
import { dockerBaseJobTemplate, dockerContainerSchema } from "./index.js";

const validate = createAjv().compile(dockerContainerSchema);
const variables = createAjv().compile(dockerBaseJobTemplate.variables);

describe("the docker work-pool type's base job template", () => {
  it("renders, with only the image given, a docker-container configuration: unset variables are left out", () => {
    const config = jobConfigurationFor(dockerBaseJobTemplate, { image: "local/node:20" }, {});
    expect(config).toEqual({
      image: "local/node:20",
      env: {},
      labels: {},
      networks: [],
      auto_remove: false,
      volumes: [],
      stream_output: true,
      privileged: false,
    });
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it("renders every variable a deployment and a run set into a valid configuration", () => {
    const deployment = {
      image: "team/flows:1",
      image_pull_policy: "ALWAYS",
      network_mode: "host",
      volumes: ["/srv/code:/srv/code:ro"],
      mem_limit: "512m",
      memswap_limit: -1,
      name: "flow-x",
      labels: { team: "a" },
      env: { A: "1" },
    };
    const run = { command: ["node", "main.js"], env: { B: "2" }, privileged: true };
    const config = jobConfigurationFor(dockerBaseJobTemplate, deployment, run);
    expect(config).toMatchObject({ ...deployment, ...run, env: { A: "1", B: "2" } });
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(
      variables({ ...variableDefaults(dockerBaseJobTemplate), ...deployment, ...run }),
      JSON.stringify(variables.errors),
    ).toBe(true);
  });

  it("declares every placeholder as a variable with a description, and requires an image", () => {
    const props = dockerBaseJobTemplate.variables.properties as Record<string, { description?: string }>;
    for (const [key, value] of Object.entries(dockerBaseJobTemplate.job_configuration)) {
      expect(value).toBe(`{{ ${key} }}`);
      expect(props[key]?.description, key).toBeTruthy();
    }
    expect(variables(variableDefaults(dockerBaseJobTemplate))).toBe(false);
    expect(variables.errors?.[0]).toMatchObject({ params: { missingProperty: "image" } });
  });
});
