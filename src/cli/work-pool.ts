// `ordo work-pool`: create, list and inspect work pools (with their queues and workers), pause and
// resume them, set or clear their concurrency limit, delete them.
import type { Command } from "commander";
import {
  CliCreateWorkPoolDocument,
  CliDeleteWorkPoolDocument,
  CliUpdateWorkPoolDocument,
  CliWorkPoolDocument,
  CliWorkPoolsDocument,
  type CliWorkPoolFragment,
  type WorkPoolUpdateInput,
} from "../client/generated/graphql.js";
import type { OrdoClient } from "../client/ordo-client.js";
import { withClient } from "./common/api.js";
import { CliError } from "./common/errors.js";
import { nonNegativeInteger } from "./common/options.js";
import { printJson, printObject, printRows, withJsonOption, type Column, type OutputOptions } from "./common/output.js";
import { readDataFile } from "./data-file.js";
import { formatTime } from "./display.js";

export function registerWorkPoolCommands(program: Command): void {
  const pool = program
    .command("work-pool")
    .description("work pools: where workers take flow runs from, and the infrastructure type they run them with");

  withJsonOption(
    pool
      .command("create")
      .description("create a work pool (with a default queue)")
      .argument("<name>", "pool name")
      .requiredOption(
        "-t, --type <type>",
        "infrastructure block type its workers run flow runs with, e.g. process (see ordo block types --capability run-infrastructure)",
      )
      .option(
        "--base-job-template <file>",
        "JSON or YAML file: { job_configuration, variables } (default: none, the infrastructure type's own defaults)",
      )
      .option(
        "--concurrency-limit <n>",
        "most runs PENDING or RUNNING across the pool at once",
        nonNegativeInteger("--concurrency-limit"),
      )
      .option("--description <text>", "what the pool is for")
      .option("--paused", "create it paused: workers claim nothing until it is resumed"),
  ).action((name: string, opts: CreateOptions) =>
    withClient(async (client) => {
      const baseJobTemplate = opts.baseJobTemplate === undefined ? undefined : await readDataFile(opts.baseJobTemplate);
      const { createWorkPool: created } = await client.request(CliCreateWorkPoolDocument, {
        input: {
          name,
          type: opts.type,
          baseJobTemplate,
          concurrencyLimit: opts.concurrencyLimit,
          description: opts.description,
          isPaused: opts.paused ?? false,
        },
      });
      if (opts.json) return printJson(created);
      process.stdout.write(
        `Created work pool ${created.name} (type ${created.type}${created.isPaused ? ", paused" : ""}); start a worker with: ordo worker start --pool ${created.name}\n`,
      );
    }),
  );

  withJsonOption(pool.command("ls").description("list work pools")).action((opts: OutputOptions) =>
    withClient(async (client) => {
      const { workPools } = await client.request(CliWorkPoolsDocument, {});
      printRows(
        workPools,
        [
          ["name", (p) => p.name],
          ["type", (p) => p.type],
          ["status", (p) => p.status],
          ["concurrency limit", (p) => p.concurrencyLimit ?? "none"],
          ["queues", (p) => p.queues.length],
          ["workers online", (p) => p.workers.filter((w) => w.status === "ONLINE").length],
        ],
        opts,
        "no work pools",
      );
    }),
  );

  withJsonOption(
    pool.command("inspect").description("show a work pool, its queues and workers").argument("<name>", "pool name"),
  ).action((name: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const p = await getPool(client, name);
      if (opts.json) return printJson(p);
      printObject(
        {
          name: p.name,
          id: p.id,
          type: p.type,
          status: p.status,
          description: p.description,
          "concurrency limit": p.concurrencyLimit ?? "none",
          "default queue": p.defaultQueue?.name ?? null,
          "base job template": p.baseJobTemplate,
        },
        {},
      );
      process.stdout.write("\nqueues:\n");
      printQueues(p.queues);
      process.stdout.write("\nworkers:\n");
      printRows(
        p.workers,
        [
          ["name", (w) => w.name],
          ["status", (w) => w.status],
          ["last heartbeat", (w) => formatTime(w.lastHeartbeatTime)],
        ],
        {},
        "no workers have polled this pool",
      );
    }),
  );

  update(
    pool,
    "pause",
    "pause a work pool: workers claim none of its runs until it is resumed",
    () => ({ isPaused: true }),
    (p) => `Paused work pool ${p.name}`,
  );
  update(
    pool,
    "resume",
    "resume a paused work pool",
    () => ({ isPaused: false }),
    (p) => `Resumed work pool ${p.name}`,
  );
  update(
    pool,
    "set-concurrency-limit",
    "limit the runs PENDING or RUNNING across a work pool at once (0 holds every run back)",
    (limit) => ({ concurrencyLimit: nonNegativeInteger("the limit")(limit!) }),
    (p) => `Work pool ${p.name} runs at most ${p.concurrencyLimit} flow runs at once`,
    "<limit>",
  );
  update(
    pool,
    "clear-concurrency-limit",
    "remove a work pool's concurrency limit",
    () => ({ concurrencyLimit: null }),
    (p) => `Work pool ${p.name} has no concurrency limit`,
  );

  withJsonOption(
    pool
      .command("delete")
      .description("delete a work pool and its queues (its deployments and runs stay, without a queue)")
      .argument("<name>", "pool name"),
  ).action((name: string, opts: OutputOptions) =>
    withClient(async (client) => {
      const { deleteWorkPool: deleted } = await client.request(CliDeleteWorkPoolDocument, { name });
      if (!deleted) throw new CliError(`no work pool named "${name}" (see ordo work-pool ls)`);
      if (opts.json) return printJson({ name, deleted });
      process.stdout.write(`Deleted work pool ${name}\n`);
    }),
  );
}

interface CreateOptions extends OutputOptions {
  type: string;
  baseJobTemplate?: string;
  concurrencyLimit?: number;
  description?: string;
  paused?: boolean;
}

/** A command that changes one thing about a pool: `<name> [value]`. */
function update(
  pool: Command,
  name: string,
  description: string,
  input: (value: string | undefined) => WorkPoolUpdateInput,
  done: (p: CliWorkPoolFragment) => string,
  valueArgument?: string,
): void {
  const command = pool.command(name).description(description).argument("<name>", "pool name");
  if (valueArgument) command.argument(valueArgument);
  withJsonOption(command).action(async (poolName: string, ...rest: unknown[]) => {
    const value = valueArgument ? (rest[0] as string) : undefined;
    const opts = rest[valueArgument ? 1 : 0] as OutputOptions;
    const change = input(value);
    await withClient(async (client) => {
      await getPool(client, poolName);
      const { updateWorkPool: p } = await client.request(CliUpdateWorkPoolDocument, { name: poolName, input: change });
      if (opts.json) return printJson(p);
      process.stdout.write(`${done(p)}\n`);
    });
  });
}

export async function getPool(client: OrdoClient, name: string) {
  const { workPool } = await client.request(CliWorkPoolDocument, { name });
  if (!workPool) throw new CliError(`no work pool named "${name}" (see ordo work-pool ls)`);
  return workPool;
}

type QueueRow = CliWorkPoolFragment["queues"][number] & { pool?: string };

/** Queues as a table (with their pool's name when the rows carry one), or JSON. */
export function printQueues(queues: QueueRow[], opts: OutputOptions = {}): void {
  const columns: Column<QueueRow>[] = [
    ["name", (q) => q.name],
    ["priority", (q) => q.priority],
    ["status", (q) => q.status],
    ["concurrency limit", (q) => q.concurrencyLimit ?? "none"],
    ["last polled", (q) => formatTime(q.lastPolled)],
  ];
  if (queues.some((q) => q.filterTags?.length)) columns.push(["tag filter", (q) => q.filterTags?.join(", ") ?? ""]);
  if (queues.some((q) => q.pool !== undefined)) columns.unshift(["pool", (q) => q.pool]);
  printRows(queues, columns, opts, "no queues");
}
