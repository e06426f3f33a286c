// Display vocabulary shared by the flow-run, block and pool commands: state types and times.
import type { StateType } from "../client/generated/graphql.js";

export const STATE_TYPES: readonly StateType[] = [
  "SCHEDULED",
  "PENDING",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "CANCELLING",
  "CRASHED",
  "PAUSED",
];
export const FINAL_STATES: readonly StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

/** "2024-05-01 12:00:00Z": seconds are enough for people; --json keeps the full ISO time. */
export function formatTime(iso: string | null | undefined): string {
  return iso
    ? new Date(iso)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z")
    : "";
}
