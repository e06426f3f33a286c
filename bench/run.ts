// `npm run bench`: every benchmark, each printing its figures next to a baseline measured in the
// same run. ORDO_BENCH_DATABASE_URL=postgresql://… runs the database benchmarks on PostgreSQL.
import { benchLifecycle } from "./lifecycle/run-lifecycle.js";
import { benchReads } from "./reads/read-throughput.js";
import { benchRRuleExpansion } from "./schedules/rrule-expansion.js";
import { benchSchedulerThroughput } from "./scheduler/scheduler-throughput.js";
import { benchStartup } from "./startup/start-and-idle.js";
import { benchRedisFanout, benchSubscriptions } from "./subscriptions/subscription-fanout.js";

const only = process.argv[2];
const benches: Array<[string, () => Promise<void>]> = [
  ["reads", benchReads],
  ["scheduler", benchSchedulerThroughput],
  ["rrule", () => benchRRuleExpansion(Number(process.env.BENCH_RRULE_SCHEDULES ?? 10_000))],
  ["lifecycle", benchLifecycle],
  ["startup", benchStartup],
  ["subscriptions", benchSubscriptions],
  ["redis-fanout", benchRedisFanout],
];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  console.log(`\n# ${name}`);
  await run();
}
