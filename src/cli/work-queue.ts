// `ordo work-queue`: the queues of a work pool — create, list, inspect, pause, resume and delete. A
// queue is named within its pool; without --pool, a name that exactly one pool uses is enough.
import type { Command } from "commander";
import {
  CliCreateWorkQueueDocument,
  CliDeleteWorkQueueDocument,
  CliUpdateWorkQueueDocument,
  CliWorkPoolsDocument,
  type CliUpdateWorkQueueMutation,
  type WorkQueueUpdateInput,
} from "../client/generated/graphql.js";
import type { OrdoClient } from "../client/ordo-client.js";
import { withClient } from "./common/api.js";
import { CliError } from "./common/errors.js";
import { nonNegativeInteger, positive } from "./common/options.js";
import { printJson, printObject, withJsonOption, type OutputOptions } from "./common/output.js";
import { formatTime } from "./display.js";
import { getPool, printQueues } from "./work-pool.js";

interface PoolOption extends OutputOptions {
  pool?: string;
}

export function registerWorkQueueCommands(program: Command): void {
  const queue = program
    .command("work-queue")
    .description("work queues: a work pool's queues, by priority (lower runs first)");

  withJsonOption(
    queue
      .command("create")
      .description("create a queue in a work pool")
      .argument("<name>", "queue name")
      .requiredOption("-p, --pool <pool>", "the work pool")
      .option(
        "--priority <n>",
        "lower runs first; must be unused in the pool (default: after the existing queues)",
        positive("--priority", true),
      )
      .option(
        "--concurrency-limit <n>",
        "most runs of this queue PENDING or RUNNING at once",
        nonNegativeInteger("--concurrency-limit"),
      )
      .option("--paused", "create it paused")
      .option(
        "-t, --tag <tag...>",
        "a legacy tag-filtered queue: it also takes due runs without a queue whose tags include all of these",
      ),
  ).action(
    (
      name: string,
      opts: PoolOption & {
        pool: string;
        priority?: number;
        concurrencyLimit?: number;
        paused?: boolean;
        tag?: string[];
      },
    ) =>
      withClient(async (client) => {
        await getPool(client, opts.pool);
        const { createWorkQueue: q } = await client.request(CliCreateWorkQueueDocument, {
          input: {
            workPoolName: opts.pool,
            name,
            priority: opts.priority,
            concurrencyLimit: opts.concurrencyLimit,
            isPaused: opts.paused ?? false,
            filterTags: opts.tag,
          },
        });
        if (opts.json) return printJson(q);
        process.stdout.write(
          `Created work queue ${q.name} in pool ${q.workPool.name} (priority ${q.priority}${q.isPaused ? ", paused" : ""}${q.filterTags?.length ? `, tags ${q.filterTags.join(", ")}` : ""})\n`,
        );
      }),
  );

  withJsonOption(
    queue
      .command("ls")
      .description("list work queues, by pool and priority")
      .option("-p, --pool <pool>", "only this pool's queues"),
  ).action((opts: PoolOption) =>
    withClient(async (client) => {
      const pools = opts.pool
        ? [await getPool(client, opts.pool)]
        : (await client.request(CliWorkPoolsDocument, {})).workPools;
      printQueues(
        pools.flatMap((p) => p.queues.map((q) => ({ pool: p.name, ...q }))),
        opts,
      );
    }),
  );

  withJsonOption(
    queue
      .command("inspect")
      .description("show a work queue")
      .argument("<name>", "queue name")
      .option("-p, --pool <pool>", "its work pool (needed when several pools have a queue of that name)"),
  ).action((name: string, opts: PoolOption) =>
    withClient(async (client) => {
      const q = await findQueue(client, name, opts.pool);
      if (opts.json) return printJson(q);
      printObject(
        {
          name: q.name,
          id: q.id,
          pool: q.pool,
          priority: q.priority,
          status: q.status,
          paused: q.isPaused,
          "concurrency limit": q.concurrencyLimit ?? "none",
          "tag filter": q.filterTags?.join(", ") || "none",
          "last polled": formatTime(q.lastPolled) || "never",
        },
        {},
      );
    }),
  );

  change(
    queue,
    "pause",
    "pause a work queue: workers claim none of its runs until it is resumed",
    () => ({ isPaused: true }),
    (q) => `Paused work queue ${label(q)}`,
  );
  change(
    queue,
    "resume",
    "resume a paused work queue",
    () => ({ isPaused: false }),
    (q) => `Resumed work queue ${label(q)}`,
  );
  change(
    queue,
    "set-concurrency-limit",
    "limit the queue's runs PENDING or RUNNING at once (0 holds them all back)",
    (limit) => ({ concurrencyLimit: nonNegativeInteger("the limit")(limit!) }),
    (q) => `Work queue ${label(q)} runs at most ${q.concurrencyLimit} flow runs at once`,
    "<limit>",
  );
  change(
    queue,
    "clear-concurrency-limit",
    "remove a work queue's concurrency limit",
    () => ({ concurrencyLimit: null }),
    (q) => `Work queue ${label(q)} has no concurrency limit`,
  );

  withJsonOption(
    queue
      .command("delete")
      .description(
        "delete a work queue: its deployments and unfinished flow runs move to the pool's default queue (which cannot be deleted)",
      )
      .argument("<name>", "queue name")
      .option("-p, --pool <pool>", "its work pool (needed when several pools have a queue of that name)"),
  ).action((name: string, opts: PoolOption) =>
    withClient(async (client) => {
      const q = await findQueue(client, name, opts.pool);
      const { deleteWorkQueue: d } = await client.request(CliDeleteWorkQueueDocument, { id: q.id });
      if (opts.json) return printJson(d);
      const moved = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
      process.stdout.write(
        `Deleted work queue ${d.name} (pool ${d.workPoolName}); moved ${moved(d.deploymentsMoved, "deployment")} and ${moved(d.flowRunsMoved, "unfinished flow run")} to its default queue ${d.defaultQueue.name}\n`,
      );
    }),
  );
}

type UpdatedQueue = CliUpdateWorkQueueMutation["updateWorkQueue"];

const label = (q: UpdatedQueue) => `${q.name} (pool ${q.workPool.name})`;

/** A command that changes one thing about a queue: `<name> [value] [--pool P]`. */
function change(
  queue: Command,
  name: string,
  description: string,
  input: (value: string | undefined) => WorkQueueUpdateInput,
  done: (q: UpdatedQueue) => string,
  valueArgument?: string,
): void {
  const command = queue.command(name).description(description).argument("<name>", "queue name");
  if (valueArgument) command.argument(valueArgument);
  command.option("-p, --pool <pool>", "its work pool (needed when several pools have a queue of that name)");
  withJsonOption(command).action((queueName: string, ...rest: unknown[]) => {
    const value = valueArgument ? (rest[0] as string) : undefined;
    const opts = rest[valueArgument ? 1 : 0] as PoolOption;
    const change = input(value);
    return withClient(async (client) => {
      const q = await findQueue(client, queueName, opts.pool);
      const { updateWorkQueue: updated } = await client.request(CliUpdateWorkQueueDocument, {
        id: q.id,
        input: change,
      });
      if (opts.json) return printJson(updated);
      process.stdout.write(`${done(updated)}\n`);
    });
  });
}

async function findQueue(client: OrdoClient, name: string, pool: string | undefined) {
  const pools = pool ? [await getPool(client, pool)] : (await client.request(CliWorkPoolsDocument, {})).workPools;
  const matches = pools.flatMap((p) => p.queues.filter((q) => q.name === name).map((q) => ({ pool: p.name, ...q })));
  if (matches.length === 0)
    throw new CliError(`no work queue named "${name}"${pool ? ` in pool "${pool}"` : ""} (see ordo work-queue ls)`);
  if (matches.length > 1)
    throw new CliError(
      `several pools have a queue named "${name}" (${matches.map((m) => m.pool).join(", ")}): give --pool`,
    );
  return matches[0]!;
}
