// The server's JSON intake applied where the CLI reads JSON and YAML (files, --params, --data), so
// a poisoned document is refused at once, naming where it is, before any merge or request.
import { JSON_INTAKE_LIMITS, jsonIntakeProblem } from "../../validation/json-intake.js";
import { CliError } from "./errors.js";

/**
 * Throws a CliError for a prototype key (`__proto__`, `constructor`, `prototype`, also inside a
 * dotted key) or nesting deeper than the server accepts. `locate` turns the key path into
 * `file:line:column`; without it the message starts with `label` (e.g. "--params").
 */
export function checkJsonIntake(
  value: unknown,
  label: string,
  locate?: (segments: Array<string | number>) => string,
): void {
  // no byte limit here: the server names the field that is too large
  const problem = jsonIntakeProblem(value, "", { maxDepth: JSON_INTAKE_LIMITS.maxDepth });
  if (!problem) return;
  const where = locate ? locate(problem.segments) : label;
  const field = problem.path.replace(/^\./, "") || "(document)";
  const why =
    problem.kind === "prototype-key"
      ? `the key "${String(problem.segments.at(-1))}" is not allowed (__proto__, constructor and prototype are reserved)`
      : `nests objects and lists deeper than ${JSON_INTAKE_LIMITS.maxDepth} levels`;
  throw new CliError(`${where}: ${field}: ${why}`);
}
