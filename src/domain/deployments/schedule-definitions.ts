// Stored schedule definitions and their bounds as the API layer reads them (the schedules module stays pure).
export { toScheduleDefinition } from "../../schedules/schedule-definition.js";
export { rruleDtstart } from "../../schedules/pin-schedule.js";
export type {
  CronDefinition,
  IntervalDefinition,
  RRuleDefinition,
  ScheduleDefinition,
} from "../../schedules/schedule-definition.js";
export { intervalBoundsText, SCHEDULE_LIMITS } from "../../schedules/schedule-limits.js";
