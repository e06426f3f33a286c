// Log shipping from executors: a batch of lines is stored in one insert, then announced to
// `flowRunLogs` subscribers.
import { inject, injectable } from "tsyringe";
import type { Database } from "../../db/prisma-client.js";
import type { EventBus } from "../../events/event-bus.js";
import { CLOCK, DATABASE, EVENTS, type Clock } from "../../tokens.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { nextLogId } from "./log-id.js";
import { truncateLogText } from "./truncate.js";

export interface LogInput {
  flowRunId: string;
  level: number;
  name?: string | null;
  message: string;
  timestamp?: Date | null;
}

/** A batch is bounded so one request cannot hold the write lock for long. */
export const MAX_LOG_BATCH = 1000;

@injectable()
export class LogService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENTS) private readonly events: EventBus,
  ) {}

  async create(logs: LogInput[]): Promise<number> {
    if (logs.length > MAX_LOG_BATCH)
      throw new BadUserInputError(`logs: at most ${MAX_LOG_BATCH} lines per call`, "logs");
    logs.forEach((l, i) => {
      if (!Number.isInteger(l.level) || l.level < 0 || l.level > 100) {
        throw new BadUserInputError(`logs[${i}].level must be a whole number from 0 to 100`, `logs[${i}].level`);
      }
    });
    const runIds = [...new Set(logs.map((l) => l.flowRunId))];
    const found = await this.db.client.flowRun.findMany({ where: { id: { in: runIds } }, select: { id: true } });
    const known = new Set(found.map((r) => r.id));
    const missing = logs.findIndex((l) => !known.has(l.flowRunId));
    if (missing >= 0)
      throw new NotFoundError(`No flow run with id ${logs[missing]!.flowRunId}`, `logs[${missing}].flowRunId`);
    const now = this.clock.now();
    const rows = logs.map((l) => ({
      // same-millisecond lines keep their order: the reads sort by timestamp, then this id
      id: nextLogId(),
      flowRunId: l.flowRunId,
      level: l.level,
      name: truncateLogText(l.name?.trim() || "ordo.flow_runs", LIMITS.shortTextLength),
      message: truncateLogText(l.message),
      timestamp: l.timestamp ?? now,
      created: now,
    }));
    await this.db.client.log.createMany({ data: rows });
    for (const r of rows) this.events.publish("log.created", { logId: r.id, flowRunId: r.flowRunId });
    return rows.length;
  }
}
