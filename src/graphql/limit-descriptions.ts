// The domain's size limits (domain/limits.ts) as field descriptions, so the schema states the same
// numbers the server enforces.
import { formatLimit, LIMITS } from "../domain/limits.js";

const json = `at most 1 MB (${formatLimit(LIMITS.jsonBytes)} bytes as JSON) and ${LIMITS.jsonDepth} levels deep; keys __proto__, constructor and prototype (also as parts of a dotted key) are refused`;

export const LIMIT_TEXT = {
  /** flows, deployments, pools, queues, workers: one rule whether named explicitly or created implicitly */
  name: `at most ${LIMITS.nameLength} characters, not blank, without / % & > <`,
  tags: `at most ${LIMITS.tagCount} tags, each at most ${LIMITS.tagLength} characters, non-empty, without "|"`,
  json,
  description: `at most ${formatLimit(LIMITS.descriptionLength)} characters`,
  shortText: `at most ${LIMITS.shortTextLength} characters`,
  path: `at most ${formatLimit(LIMITS.entrypointLength)} characters`,
  stateName: `at most ${LIMITS.stateNameLength} characters`,
  stateMessage: `at most ${formatLimit(LIMITS.stateMessageLength)} characters`,
  logMessage: `longer than ${formatLimit(LIMITS.logMessageLength)} characters (64 KiB): stored truncated, ending "… [truncated N characters]"`,
} as const;
