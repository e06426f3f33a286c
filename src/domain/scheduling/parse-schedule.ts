// Schedule inputs as the domain takes them: parsed and validated (errors become BAD_USER_INPUT
// naming the field under `field`), with an rrule's DTSTART pinned when the user gave none.
import {
  parseScheduleInput,
  pinSchedule,
  ScheduleInputError,
  type ScheduleDefinition,
  type ScheduleInput,
} from "../../schedules/schedule-definition.js";
import { BadUserInputError } from "../errors.js";

export function parseSchedule(input: ScheduleInput, field: string, now: Date): ScheduleDefinition {
  try {
    return pinSchedule(parseScheduleInput(input), now);
  } catch (e) {
    if (!(e instanceof ScheduleInputError)) throw e;
    const f = e.field ? `${field}.${e.field}` : field;
    throw new BadUserInputError(`${f}: ${e.message}`, f);
  }
}
