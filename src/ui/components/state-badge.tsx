// A run's state as a coloured badge: the state's name (Late, AwaitingRetry…) coloured by its type.
import type { StateType } from "../generated/graphql";

export const STATE_TYPES: readonly StateType[] = [
  "SCHEDULED",
  "PENDING",
  "RUNNING",
  "PAUSED",
  "CANCELLING",
  "COMPLETED",
  "FAILED",
  "CRASHED",
  "CANCELLED",
];

export const TERMINAL_STATE_TYPES: readonly StateType[] = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"];

export function StateBadge({ type, name }: { type: StateType; name?: string | null }) {
  return (
    <span className={`state state-${type.toLowerCase()}`} data-state-type={type}>
      {name || type.charAt(0) + type.slice(1).toLowerCase()}
    </span>
  );
}
