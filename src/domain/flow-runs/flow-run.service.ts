// Flow-run use cases: creating a run from a deployment, and proposing state changes through the
// orchestrator. Both commit first, then publish `flow-run.state-changed`.
import { randomUUID } from "node:crypto";
import { inject, injectable } from "tsyringe";
import type { Database, Tx } from "../../db/prisma-client.js";
import { readDeploymentForRun, type DeploymentForRun } from "../../db/flow-run-inserts.js";
import { lockAndReadRuns } from "../../db/run-transitions.js";
import { inTransaction, isUniqueViolation } from "../../db/transaction.js";
import {
  FlowRunNotFound,
  Orchestrator,
  type Proposal,
  type TransitionResult,
} from "../../orchestration/orchestrator.js";
import type { RunPolicy } from "../../orchestration/states.js";
import { CLOCK, DATABASE, JSON_SCHEMAS, type Clock } from "../../tokens.js";
import type { JsonSchemaValidator } from "../../validation/ajv.js";
import { BadUserInputError, ConflictError, NotFoundError, OrdoError, validationFailed } from "../errors.js";
import { acceptObject } from "../json-input.js";
import { asStringArray, isPlainObject, normalizeTags, tagsKey } from "../json.js";
import { LIMITS } from "../limits.js";
import { checkLength, checkName, quoteName } from "../names.js";
import { parseDeploymentSlug } from "../deployments/deployment-slug.js";
import { checkJobVariables } from "../work-pools/job-variables.js";
import { ensureWorkQueue } from "../work-pools/work-queue.repository.js";
import {
  MAX_STATE_PROPOSALS,
  type CreateFlowRunInput,
  type ProposalOutcome,
  type SetFlowRunStateInput,
} from "./flow-run-input.js";
import { RunEvents } from "./run-events.js";
import { randomRunName } from "./run-names.js";
import { checkStateInput } from "./state-input.js";

@injectable()
export class FlowRunService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RunEvents) private readonly runEvents: RunEvents,
    @inject(JSON_SCHEMAS) private readonly schemas: JsonSchemaValidator,
    @inject(Orchestrator) private readonly orchestrator: Orchestrator,
  ) {}

  /** A run of a deployment; with an idempotency key already used for this flow, the existing run. */
  async createFromDeployment(input: CreateFlowRunInput): Promise<{ id: string; created: boolean }> {
    const now = this.clock.now();
    let result;
    try {
      result = await this.insertRun(input, now);
    } catch (e) {
      // two callers raced with the same idempotency key: the loser returns the winner's run
      if (!input.idempotencyKey || !isUniqueViolation(e)) throw e;
      const winner = await this.db.client.flowRun.findFirst({
        where: { idempotencyKey: input.idempotencyKey, deployment: deploymentWhere(input) },
      });
      if (!winner) throw e;
      return { id: winner.id, created: false };
    }
    if (result.transition) this.runEvents.transition(result.transition);
    return { id: result.id, created: result.created };
  }

  private insertRun(input: CreateFlowRunInput, now: Date) {
    // bad input is refused before the transaction opens
    const first = firstState(input, now);
    const runParameters = acceptObject(input.parameters, "input.parameters");
    const runVariables = acceptObject(input.jobVariables, "input.jobVariables") ?? {};
    const runTags = normalizeTags(input.tags, "input.tags") ?? [];
    checkLength(input.name, LIMITS.nameLength, "input.name");
    checkLength(input.idempotencyKey, LIMITS.shortTextLength, "input.idempotencyKey");
    if (input.workQueueName) checkName(input.workQueueName, "input.workQueueName");
    const create = async (tx: Tx) => {
      const deployment = await this.findDeployment(tx, input);
      if (input.idempotencyKey) {
        const existing = await tx.flowRun.findUnique({
          where: { flowId_idempotencyKey: { flowId: deployment.flowId, idempotencyKey: input.idempotencyKey } },
          select: { id: true },
        });
        if (existing) return { id: existing.id, created: false, transition: null as TransitionResult | null };
      }
      const parameters = { ...(deployment.parameters as object), ...runParameters };
      this.checkParameters(deployment, parameters);
      const tags = [...new Set([...asStringArray(deployment.tags), ...runTags])];
      if (tags.length > LIMITS.tagCount) {
        throw new BadUserInputError(
          `input.tags: the run would have ${tags.length} tags with the deployment's, more than the maximum ${LIMITS.tagCount}`,
          "input.tags",
        );
      }
      const queue = await this.resolveQueue(tx, deployment, input.workQueueName, now);
      const jobVariables = runVariables;
      // at run creation everything must be there: required values are demanded
      checkJobVariables(
        this.schemas,
        deployment.baseJobTemplate,
        [deployment.jobVariables, jobVariables],
        "input.jobVariables",
        false,
      );
      const id = randomUUID();
      // the first state goes through the orchestrator too (forced: bookkeeping only)
      const transition = await this.orchestrator.insertRun(
        tx,
        {
          id,
          name: input.name?.trim() || randomRunName(),
          flowId: deployment.flowId,
          deploymentId: deployment.id,
          deploymentVersion: deployment.version,
          parameters,
          jobVariables,
          tags,
          tagsKey: tagsKey(tags),
          idempotencyKey: input.idempotencyKey ?? null,
          empiricalPolicy: retryPolicy(input),
          workQueueId: queue?.id ?? null,
          workQueueName: queue?.name ?? null,
        },
        deployment.workPoolName,
        first,
        { force: true, now },
      );
      return { id, created: true, transition };
    };
    // PostgreSQL, no queue to create: the reads lock nothing (READ COMMITTED would not either) and
    // the run and its first state go in with one statement, so a transaction would only add its
    // BEGIN and COMMIT round trips. SQLite's insert takes several statements.
    if (this.db.provider === "postgresql" && !input.workQueueName) return create(this.db.client);
    return inTransaction(this.db, create);
  }

  async setState(input: SetFlowRunStateInput): Promise<TransitionResult> {
    checkProposal(input, "input");
    let result: TransitionResult;
    try {
      result = await inTransaction(this.db, (tx) =>
        this.orchestrator.transition(
          tx,
          input.flowRunId,
          { ...input.state, details: input.state.details ?? {} },
          { force: input.force ?? false },
        ),
      );
    } catch (e) {
      if (e instanceof FlowRunNotFound)
        throw new NotFoundError(`No flow run with id ${input.flowRunId}`, "input.flowRunId");
      throw e;
    }
    this.runEvents.transition(result);
    return result;
  }

  /**
   * Several proposals in one transaction, for one run each: every proposal is checked and
   * orchestrated on its own, as setState would (a bad or refused one does not affect the others),
   * and the runs are locked, read and written in a constant number of statements. Per proposal,
   * in order: its result, or the error setState would have raised.
   */
  async setStates(inputs: readonly SetFlowRunStateInput[]): Promise<ProposalOutcome[]> {
    if (inputs.length > MAX_STATE_PROPOSALS) {
      throw new BadUserInputError(
        `input.proposals may hold at most ${MAX_STATE_PROPOSALS} proposals, got ${inputs.length}`,
        "input.proposals",
      );
    }
    const outcomes: ProposalOutcome[] = inputs.map(() => ({}));
    const first = new Map<string, number>();
    inputs.forEach((input, i) => {
      const field = `input.proposals[${i}]`;
      try {
        checkProposal(input, field);
        const earlier = first.get(input.flowRunId);
        // one proposal per run: a second would depend on the first's answer
        if (earlier !== undefined)
          throw new BadUserInputError(
            `${field}.flowRunId: run ${input.flowRunId} already has a proposal in this call, at index ${earlier}`,
            `${field}.flowRunId`,
          );
        first.set(input.flowRunId, i);
      } catch (e) {
        if (!(e instanceof OrdoError)) throw e;
        outcomes[i] = { error: e };
      }
    });
    if (first.size > 0) {
      const results = await inTransaction(this.db, async (tx) => {
        const runs = new Map((await lockAndReadRuns(this.db, tx, [...first.keys()])).map((r) => [r.id, r]));
        const found = [...first.values()].filter((i) => runs.has(inputs[i]!.flowRunId));
        const done = await this.orchestrator.transitionLockedEach(
          tx,
          found.map((i) => {
            const { flowRunId, state, force } = inputs[i]!;
            return {
              run: runs.get(flowRunId)!,
              proposals: [{ ...state, details: state.details ?? {} }],
              force: force ?? false,
            };
          }),
        );
        return new Map(found.map((i, k) => [i, done[k]![0]!]));
      });
      for (const i of first.values()) {
        const result = results.get(i);
        outcomes[i] = result
          ? { result }
          : {
              error: new NotFoundError(
                `No flow run with id ${inputs[i]!.flowRunId}`,
                `input.proposals[${i}].flowRunId`,
              ),
            };
      }
      for (const o of outcomes) if (o.result) this.runEvents.transition(o.result);
    }
    return outcomes;
  }

  /** Records the process (or container, job…) running the run, so cancellation can find it. */
  async setInfrastructure(flowRunId: string, infrastructurePid: string): Promise<void> {
    if (infrastructurePid.trim() === "")
      throw new BadUserInputError("infrastructurePid must not be empty", "infrastructurePid");
    checkLength(infrastructurePid, LIMITS.shortTextLength, "infrastructurePid");
    const { count } = await this.db.client.flowRun.updateMany({
      where: { id: flowRunId },
      data: { infrastructurePid, updated: this.clock.now() },
    });
    if (count === 0) throw new NotFoundError(`No flow run with id ${flowRunId}`, "flowRunId");
  }

  /**
   * Renews the run's lease while it is PENDING, RUNNING or CANCELLING (a run silent for longer
   * than the lease is CRASHED); the caller reads the run's state from the answer.
   */
  async heartbeat(flowRunId: string): Promise<void> {
    const now = this.clock.now();
    const { count } = await this.db.client.flowRun.updateMany({
      where: { id: flowRunId, stateType: { in: ["PENDING", "RUNNING", "CANCELLING"] } },
      data: { lastHeartbeat: now, updated: now },
    });
    if (count === 0 && !(await this.db.client.flowRun.findUnique({ where: { id: flowRunId }, select: { id: true } }))) {
      throw new NotFoundError(`No flow run with id ${flowRunId}`, "flowRunId");
    }
  }

  private async findDeployment(tx: Tx, input: CreateFlowRunInput): Promise<DeploymentForRun> {
    const byId = input.deploymentId != null;
    const bySlug = input.deploymentSlug != null;
    if (byId === bySlug) {
      throw new BadUserInputError(
        "Give exactly one of input.deploymentId or input.deploymentSlug",
        byId ? "input.deploymentSlug" : "input.deploymentId",
      );
    }
    if (byId) {
      const d = await readDeploymentForRun(tx, { id: input.deploymentId! });
      if (!d) throw new NotFoundError(`No deployment with id ${input.deploymentId}`, "input.deploymentId");
      return d;
    }
    const slug = input.deploymentSlug!;
    const parsed = parseDeploymentSlug(slug);
    if (!parsed)
      throw new BadUserInputError(
        `input.deploymentSlug must be flowName/deploymentName, got ${quoteName(slug)}`,
        "input.deploymentSlug",
      );
    const d = await readDeploymentForRun(tx, parsed);
    if (!d) throw new NotFoundError(`No deployment ${quoteName(slug)}`, "input.deploymentSlug");
    return d;
  }

  private checkParameters(
    deployment: { enforceParameterSchema: boolean; parameterOpenapiSchema: unknown },
    parameters: object,
  ) {
    if (!deployment.enforceParameterSchema || deployment.parameterOpenapiSchema == null) return;
    if (!isPlainObject(deployment.parameterOpenapiSchema)) {
      throw new ConflictError(
        "The deployment enforces its parameter schema, but the schema is not a JSON object",
        "input.parameters",
      );
    }
    const issues = this.schemas.validate(deployment.parameterOpenapiSchema, parameters);
    if (issues.length) throw validationFailed("input.parameters", "Parameters", issues);
  }

  /** Another queue of the deployment's pool (created when missing), or the deployment's queue. */
  private async resolveQueue(tx: Tx, deployment: DeploymentForRun, queueName: string | null | undefined, now: Date) {
    if (!queueName)
      return deployment.workQueueId ? { id: deployment.workQueueId, name: deployment.workQueueName } : null;
    if (!deployment.workPoolName) {
      throw new BadUserInputError("input.workQueueName needs a deployment with a work pool", "input.workQueueName");
    }
    return ensureWorkQueue(tx, deployment.workPoolName, queueName, now);
  }
}

/** The deployment a run was created for; called only once findDeployment accepted the input. */
function deploymentWhere(input: CreateFlowRunInput) {
  if (input.deploymentId) return { id: input.deploymentId };
  const { flowName, name } = parseDeploymentSlug(input.deploymentSlug ?? "")!;
  return { name, flow: { name: flowName } };
}

function retryPolicy(input: CreateFlowRunInput): RunPolicy {
  const policy: RunPolicy = {};
  if (input.retries != null) {
    if (!Number.isInteger(input.retries) || input.retries < 0)
      throw new BadUserInputError("input.retries must be a whole number ≥ 0", "input.retries");
    policy.retries = input.retries;
  }
  if (input.retryDelaySeconds != null) {
    if (!(input.retryDelaySeconds >= 0))
      throw new BadUserInputError("input.retryDelaySeconds must be ≥ 0", "input.retryDelaySeconds");
    policy.retryDelaySeconds = input.retryDelaySeconds;
  }
  return policy;
}

/** The checks every proposal passes before any transaction opens; `field` names its input. */
function checkProposal(input: SetFlowRunStateInput, field: string): void {
  const { state } = input;
  if (state.scheduledTime && state.type !== "SCHEDULED" && state.type !== "PAUSED") {
    // harmless for Prefect, but almost always a client mistake worth naming
    throw new BadUserInputError(
      `${field}.state.scheduledTime is only meaningful for SCHEDULED or PAUSED states`,
      `${field}.state.scheduledTime`,
    );
  }
  checkStateInput(state, `${field}.state`);
}

/**
 * A new run starts SCHEDULED for its start time, or PENDING when its creator takes it at once
 * (`ordo deployment execute`: no worker must claim it, and it is not held back until a later time).
 */
function firstState(input: CreateFlowRunInput, now: Date): Proposal {
  const state = input.state;
  checkStateInput(state, "input.state");
  if (!state || state.type === "SCHEDULED") {
    if (
      state?.scheduledTime &&
      input.scheduledStartTime &&
      state.scheduledTime.getTime() !== input.scheduledStartTime.getTime()
    ) {
      throw new BadUserInputError(
        "input.state.scheduledTime and input.scheduledStartTime disagree: give one",
        "input.state.scheduledTime",
      );
    }
    return {
      ...state,
      type: "SCHEDULED",
      details: null,
      scheduledTime: state?.scheduledTime ?? input.scheduledStartTime ?? now,
    };
  }
  if (state.type !== "PENDING") {
    throw new BadUserInputError(
      `input.state.type must be SCHEDULED or PENDING for a new run, not ${state.type}`,
      "input.state.type",
    );
  }
  if (state.scheduledTime)
    throw new BadUserInputError(
      "input.state.scheduledTime is only meaningful for a SCHEDULED run",
      "input.state.scheduledTime",
    );
  if (input.scheduledStartTime)
    throw new BadUserInputError(
      "input.scheduledStartTime is only meaningful for a SCHEDULED run",
      "input.scheduledStartTime",
    );
  return { ...state, details: null };
}
