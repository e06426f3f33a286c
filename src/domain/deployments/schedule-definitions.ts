// Stored schedule definitions as the API layer reads them (the schedules module stays pure).
export { toScheduleDefinition } from "../../schedules/schedule-definition.js";
export type { CronDefinition, IntervalDefinition, RRuleDefinition, ScheduleDefinition } from "../../schedules/schedule-definition.js";
