// Every size bound on what clients may store, in one place: the domain enforces these and the
// GraphQL schema prints them in its field descriptions, so a client reads the same numbers.
import { JSON_INTAKE_LIMITS } from "../validation/json-intake.js";

export const LIMITS = {
  /** flow, deployment, work pool, work queue, block document, flow run and worker names (characters) */
  nameLength: 200,
  /** one tag (characters) */
  tagLength: 200,
  /** tags on one deployment or run, and filter tags of one queue */
  tagCount: 100,
  /**
   * Any JSON-typed input (parameters, job variables, block data, state data, schedule parameters,
   * pull steps, parameter schemas, base job templates), UTF-8 bytes written as JSON: 1 MB.
   */
  jsonBytes: JSON_INTAKE_LIMITS.maxBytes,
  /** how deep objects and lists may nest in a JSON-typed input (the document itself is level 1) */
  jsonDepth: JSON_INTAKE_LIMITS.maxDepth,
  /** a state's name (Late, AwaitingRetry, …) */
  stateNameLength: 200,
  /** a state's message (a failure's reason) */
  stateMessageLength: 10_000,
  /** deployment and work pool descriptions */
  descriptionLength: 10_000,
  /** `path/to/file.ts:exportName`, and a deployment's path */
  entrypointLength: 1_000,
  /** a deployment's version, a run's idempotency key, a run's infrastructure id, a log's logger name */
  shortTextLength: 200,
  /**
   * A log message longer than this (characters, 64 KiB) is stored truncated with a marker saying
   * how much was cut — never refused, so a chatty flow does not lose its whole batch.
   */
  logMessageLength: 65_536,
} as const;

/** "1,048,576": how numbers appear in messages and descriptions. */
export function formatLimit(n: number): string {
  return n.toLocaleString("en-US");
}
