// Schedules as GraphQL sees them: the Schedule union over the stored definitions, the
// DeploymentSchedule type, and the @oneOf ScheduleInput.
import { rruleDtstart } from "../../schedules/pin-schedule.js";
import {
  toScheduleDefinition,
  type CronDefinition,
  type IntervalDefinition,
  type RRuleDefinition,
} from "../../schedules/schedule-definition.js";
import { intervalBoundsText, SCHEDULE_LIMITS } from "../../schedules/schedule-limits.js";
import { builder } from "../builder.js";
import { LIMIT_TEXT } from "../limit-descriptions.js";

const count = (n: number) => n.toLocaleString("en-US");

const IntervalSchedule = builder.objectRef<IntervalDefinition>("IntervalSchedule").implement({
  fields: (t) => ({
    interval: t.exposeFloat("interval", { description: "seconds" }),
    anchorDate: t.field({ type: "DateTime", resolve: (s) => new Date(s.anchorDate) }),
    timezone: t.exposeString("timezone"),
  }),
});

const CronSchedule = builder.objectRef<CronDefinition>("CronSchedule").implement({
  fields: (t) => ({
    cron: t.exposeString("cron"),
    timezone: t.exposeString("timezone"),
    dayOr: t.exposeBoolean("dayOr", { description: "true: a day matches day-of-month OR day-of-week; false: AND" }),
  }),
});

const RRuleSchedule = builder.objectRef<RRuleDefinition>("RRuleSchedule").implement({
  fields: (t) => ({
    rrule: t.exposeString("rrule"),
    timezone: t.exposeString("timezone"),
    dtstart: t.field({
      type: "DateTime",
      nullable: true,
      description:
        "where expansion starts: the rule's own DTSTART, else the one pinned when it was first written (on the rule's grid, at or before that time); null only for rules stored before pinning",
      resolve: (s) => rruleDtstart(s),
    }),
  }),
});

export const Schedule = builder.unionType("Schedule", {
  types: [IntervalSchedule, CronSchedule, RRuleSchedule],
  resolveType: (s) => ({ interval: IntervalSchedule, cron: CronSchedule, rrule: RRuleSchedule })[s.kind],
});

builder.prismaObject("DeploymentSchedule", {
  fields: (t) => ({
    id: t.exposeID("id"),
    slug: t.exposeString("slug", { nullable: true }),
    active: t.exposeBoolean("active"),
    schedule: t.field({ type: Schedule, resolve: (s) => toScheduleDefinition(s.schedule) }),
    parameters: t.expose("parameters", {
      type: "JSON",
      description: "overlaid on the deployment's parameters for this schedule's runs",
    }),
  }),
});

const IntervalScheduleInput = builder.inputType("IntervalScheduleInput", {
  fields: (t) => ({
    interval: t.float({ required: true, description: `seconds, from ${intervalBoundsText()}` }),
    anchorDate: t.field({
      type: "DateTime",
      description: "defaults to 2020-01-01T00:00 in the schedule's timezone (stable, so re-applying does not move it)",
    }),
    timezone: t.string({ description: "IANA zone, default UTC" }),
  }),
});

const CronScheduleInput = builder.inputType("CronScheduleInput", {
  fields: (t) => ({
    cron: t.string({
      required: true,
      description:
        "5 fields: minute hour day-of-month month day-of-week (6 are refused: croniter and cron-parser disagree on where seconds go); a range may wrap around (sat-sun, 22-2) as in croniter",
    }),
    timezone: t.string({ description: "IANA zone, default UTC" }),
    dayOr: t.boolean({ description: "default true" }),
  }),
});

const RRuleScheduleInput = builder.inputType("RRuleScheduleInput", {
  fields: (t) => ({
    rrule: t.string({
      required: true,
      description: `RFC 5545, at most ${count(SCHEDULE_LIMITS.maxRRuleLength)} characters`,
    }),
    timezone: t.string({ description: "IANA zone, default UTC" }),
  }),
});

export const ScheduleInput = builder.inputType("ScheduleInput", {
  isOneOf: true,
  fields: (t) => ({
    interval: t.field({ type: IntervalScheduleInput }),
    cron: t.field({ type: CronScheduleInput }),
    rrule: t.field({ type: RRuleScheduleInput }),
  }),
});

export const DeploymentScheduleInput = builder.inputType("DeploymentScheduleInput", {
  fields: (t) => ({
    slug: t.string({ description: "stable name; without one the schedule is matched by its definition" }),
    active: t.boolean({ description: "default true" }),
    schedule: t.field({ type: ScheduleInput, required: true }),
    parameters: t.field({
      type: "JSON",
      description: `overlaid on the deployment's parameters (validated together when enforced); ${LIMIT_TEXT.json}`,
    }),
  }),
});

builder.queryFields((t) => ({
  previewSchedule: t.field({
    authScopes: { read: true },
    type: ["DateTime"],
    description:
      "the next dates a schedule would run at (validated like applyDeployment's schedules), so a UI or CLI can show them first; " +
      `at most ${count(SCHEDULE_LIMITS.maxCandidates)} candidate dates are examined, so a sparse schedule may return fewer than asked`,
    args: {
      schedule: t.arg({ type: ScheduleInput, required: true }),
      count: t.arg.int({ defaultValue: 10, description: `1 to ${count(SCHEDULE_LIMITS.maxPreviewCount)}` }),
      after: t.arg({ type: "DateTime", description: "default now (inclusive)" }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.scheduling.preview(args.schedule, { count: args.count ?? 10, after: args.after }),
  }),
}));
