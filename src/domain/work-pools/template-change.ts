// Which deployments of a pool a new base job template would break: those whose stored job
// variables fail its `variables` schema (required values aside, as at apply time).
import type { Tx } from "../../db/prisma-client.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { isPlainObject } from "../json.js";
import { quoteName } from "../names.js";
import { mergeJobVariables, variableDefaults } from "./job-variables.js";

const LISTED = 10;

/** "flow/deployment (/cpu must be <= 8)" per broken deployment, at most 10 and a count of the rest. */
export async function deploymentsBrokenBy(
  tx: Tx,
  schemas: JsonSchemaValidator,
  poolId: string,
  template: unknown,
): Promise<string[]> {
  if (!isPlainObject(template) || !isPlainObject(template.variables)) return [];
  const deployments = await tx.deployment.findMany({
    where: { workQueue: { workPoolId: poolId } },
    select: { name: true, jobVariables: true, flow: { select: { name: true } } },
    orderBy: [{ flowId: "asc" }, { name: "asc" }],
  });
  const broken: string[] = [];
  for (const d of deployments) {
    const values = mergeJobVariables(variableDefaults(template), d.jobVariables);
    const issues = schemas.validate(template.variables, values, { ignoreRequired: true });
    if (issues.length)
      broken.push(
        `${quoteName(`${d.flow.name}/${d.name}`)} (${issues.map((i) => `${i.path || "/"} ${i.message}`).join(", ")})`,
      );
  }
  return broken.length > LISTED ? [...broken.slice(0, LISTED), `and ${broken.length - LISTED} more`] : broken;
}
