// Names users give flows and deployments: Prefect's rule, since these appear in slugs and URLs.
import { BadUserInputError } from "../errors.js";

const NAME = /^[^/%&><]+$/;

export function checkName(value: string, field: string): string {
  if (value.trim() === "") throw new BadUserInputError(`${field} must not be empty`, field);
  if (!NAME.test(value)) throw new BadUserInputError(`${field} must not contain / % & > or <`, field);
  if (value.length > 200) throw new BadUserInputError(`${field} must be at most 200 characters`, field);
  return value;
}
