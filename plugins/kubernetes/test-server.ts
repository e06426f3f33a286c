// A loopback stand-in for the Kubernetes API server, for tests: the Job, pod, log and watch
// endpoints kubernetes-job uses, a bearer token, and a fake kubelet that plays each Job's pod
// (scripted lines and exit code, or the container's command run as a local process).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";

type Obj = Record<string, any>;

/** What the emulated pod of a Job does. */
export type PodPlan =
  /** the container prints these lines (lineDelayMs apart) then exits with exitCode */
  | { lines?: string[]; exitCode?: number; lineDelayMs?: number }
  /** no pod is ever created (unschedulable Job) */
  | { pod: "never" }
  /** a pod is created and stays Pending with this waiting reason (ImagePullBackOff…) */
  | { pod: "pending"; reason?: string }
  /** the container's command + args run as a local process (rewrite maps argv, e.g. "ordo" → node bin/ordo.mjs) */
  | { local: true; rewrite?: (argv: string[]) => string[]; env?: Record<string, string> };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

export interface KubernetesApiEmulatorOptions {
  /** the bearer token the server requires (default: a random one) */
  token?: string;
  /** decides each created Job's pod (default: prints "hello from <job name>", exits 0) */
  plan?: (job: Obj) => PodPlan;
}

export interface KubernetesApiEmulator {
  endpoint: string;
  token: string;
  /** a kubeconfig (JSON) for the server: cluster "emulator" (http, so insecure-skip-tls-verify), user with the token, context "emulator" */
  kubeconfig: string;
  /** a kubernetes-job `cluster_config` value */
  clusterConfig: { config: string; context_name: string };
  /** every request, in order (Authorization header as received) */
  requests: RecordedRequest[];
  /** the Jobs that exist, by "namespace/name" */
  jobs: Map<string, Obj>;
  stop(): Promise<void>;
}

interface Watcher {
  kind: "pods" | "jobs";
  namespace: string;
  match: (o: Obj) => boolean;
  res: http.ServerResponse;
}

interface PodState {
  pod: Obj;
  log: string[];
  followers: Set<http.ServerResponse>;
  child?: ChildProcess;
  timers: NodeJS.Timeout[];
}

export async function startKubernetesApiEmulator(
  options: KubernetesApiEmulatorOptions = {},
): Promise<KubernetesApiEmulator> {
  const token = options.token ?? `emulator-${randomBytes(12).toString("hex")}`;
  const plan: (job: Obj) => PodPlan =
    options.plan ?? ((job: Obj) => ({ lines: [`hello from ${job.metadata.name}`], exitCode: 0 }));
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, Obj>();
  const pods = new Map<string, PodState>(); // by "namespace/pod name"
  const watchers = new Set<Watcher>();
  const sockets = new Set<import("node:net").Socket>();

  const status = (res: http.ServerResponse, code: number, reason: string, message: string) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }),
    );
  };
  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const notify = (kind: "pods" | "jobs", type: string, object: Obj) => {
    for (const w of watchers) {
      if (w.kind === kind && w.namespace === object.metadata.namespace && w.match(object))
        w.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  };

  const labelMatcher = (selector: string | undefined) => {
    const pairs = (selector ?? "")
      .split(",")
      .filter(Boolean)
      .map((p) => p.split("=") as [string, string]);
    return (o: Obj) => pairs.every(([k, v]) => o.metadata?.labels?.[k] === v);
  };
  const fieldMatcher = (selector: string | undefined) => {
    const pairs = (selector ?? "")
      .split(",")
      .filter(Boolean)
      .map((p) => p.split("=") as [string, string]);
    return (o: Obj) =>
      pairs.every(([k, v]) =>
        k === "metadata.name" ? o.metadata.name === v : k === "metadata.namespace" ? o.metadata.namespace === v : false,
      );
  };

  function setPod(state: PodState, phase: string, container: Obj) {
    const name = state.pod.spec.containers[0].name;
    state.pod.status = {
      phase,
      containerStatuses: [
        { name, ready: phase === "Running", restartCount: 0, image: "", imageID: "", state: container },
      ],
    };
    notify("pods", "MODIFIED", state.pod);
  }

  function appendLog(state: PodState, line: string) {
    state.log.push(line);
    for (const f of state.followers) f.write(`${line}\n`);
  }

  function finishPod(job: Obj, state: PodState, exitCode: number) {
    setPod(state, exitCode === 0 ? "Succeeded" : "Failed", {
      terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error" },
    });
    for (const f of state.followers) f.end();
    state.followers.clear();
    if (!jobs.has(`${job.metadata.namespace}/${job.metadata.name}`)) return;
    const type = exitCode === 0 ? "Complete" : "Failed";
    const now = new Date().toISOString();
    job.status = {
      ...job.status,
      active: 0,
      ...(exitCode === 0 ? { succeeded: 1, completionTime: now } : { failed: 1 }),
      conditions: [{ type, status: "True", lastTransitionTime: now, lastProbeTime: now }],
    };
    notify("jobs", "MODIFIED", job);
  }

  function startPod(job: Obj) {
    const p = plan(job);
    if ("pod" in p && p.pod === "never") return;
    const ns = job.metadata.namespace;
    const podName = `${job.metadata.name}-${randomBytes(3).toString("hex").slice(0, 5)}`;
    const podSpec = structuredClone(job.spec?.template?.spec ?? {});
    const state: PodState = {
      pod: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: podName,
          namespace: ns,
          uid: randomUUID(),
          labels: { "job-name": job.metadata.name, "batch.kubernetes.io/job-name": job.metadata.name },
        },
        spec: podSpec,
        status: { phase: "Pending" },
      },
      log: [],
      followers: new Set(),
      timers: [],
    };
    pods.set(`${ns}/${podName}`, state);
    notify("pods", "ADDED", state.pod);
    if ("pod" in p) {
      setPod(state, "Pending", { waiting: { reason: p.reason ?? "ContainerCreating" } });
      return;
    }
    const later = (ms: number, f: () => void) => state.timers.push(setTimeout(f, ms));
    later(30, () => {
      setPod(state, "Running", { running: { startedAt: new Date().toISOString() } });
      job.status = { ...job.status, active: 1 };
      notify("jobs", "MODIFIED", job);
      if ("local" in p) return runLocally(job, state, p);
      const lines = p.lines ?? [];
      const delay = p.lineDelayMs ?? 10;
      lines.forEach((line, i) => later(delay * (i + 1), () => appendLog(state, line)));
      later(delay * (lines.length + 1) + 10, () => finishPod(job, state, p.exitCode ?? 0));
    });
  }

  function runLocally(job: Obj, state: PodState, p: Extract<PodPlan, { local: true }>) {
    const container = state.pod.spec.containers[0];
    const argv = (p.rewrite ?? ((a: string[]) => a))([...(container.command ?? []), ...(container.args ?? [])]);
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...p.env };
    for (const e of container.env ?? []) if (typeof e.value === "string") env[e.name] = e.value;
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    state.child = child;
    let open = 2;
    let code: number | null = null;
    const done = () => {
      if (open === 0 && code !== null) finishPod(job, state, code);
    };
    for (const s of [child.stdout!, child.stderr!]) {
      createInterface({ input: s, crlfDelay: Infinity })
        .on("line", (l) => appendLog(state, l))
        .on("close", () => (open--, done()));
    }
    child.on(
      "error",
      (e) => (appendLog(state, `emulator: cannot run ${argv[0]}: ${e.message}`), (code = 127), (open = 0), done()),
    );
    child.on("close", (c, signal) => ((code = c ?? (signal === "SIGKILL" ? 137 : 143)), done()));
  }

  function deleteJob(job: Obj) {
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    jobs.delete(key);
    job.metadata.deletionTimestamp = new Date().toISOString();
    for (const [podKey, state] of pods) {
      if (
        state.pod.metadata.labels["job-name"] !== job.metadata.name ||
        state.pod.metadata.namespace !== job.metadata.namespace
      )
        continue;
      state.timers.forEach(clearTimeout);
      state.child?.kill("SIGTERM");
      for (const f of state.followers) f.end();
      pods.delete(podKey);
      notify("pods", "DELETED", state.pod);
    }
    notify("jobs", "DELETED", job);
  }

  function watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    w: Omit<Watcher, "res">,
    existing: Obj[],
    timeoutSeconds: string | undefined,
  ) {
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    const watcher = { ...w, res };
    watchers.add(watcher);
    for (const o of existing) res.write(`${JSON.stringify({ type: "ADDED", object: o })}\n`);
    const timer = timeoutSeconds ? setTimeout(() => res.end(), Number(timeoutSeconds) * 1000) : undefined;
    const close = () => (watchers.delete(watcher), clearTimeout(timer));
    req.on("close", close);
    res.on("close", close);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query,
      authorization: req.headers.authorization,
      body,
    });
    if (req.headers.authorization !== `Bearer ${token}`) return status(res, 401, "Unauthorized", "Unauthorized");

    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/))) {
      const ns = m[1]!;
      if (req.method === "POST") {
        const job = body as Obj;
        if (!job?.metadata) return status(res, 422, "Invalid", "Job.metadata: Required value");
        if (job.metadata.namespace && job.metadata.namespace !== ns)
          return status(
            res,
            400,
            "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request",
          );
        const name =
          job.metadata.name ?? `${job.metadata.generateName ?? ""}${randomBytes(4).toString("hex").slice(0, 5)}`;
        if (!name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
          return status(res, 422, "Invalid", `Job.batch "${name}" is invalid: metadata.name: Invalid value`);
        if (jobs.has(`${ns}/${name}`)) return status(res, 409, "AlreadyExists", `jobs.batch "${name}" already exists`);
        const stored = {
          ...structuredClone(job),
          metadata: {
            ...job.metadata,
            name,
            namespace: ns,
            uid: randomUUID(),
            creationTimestamp: new Date().toISOString(),
          },
          status: {},
        };
        jobs.set(`${ns}/${name}`, stored);
        notify("jobs", "ADDED", stored);
        setImmediate(() => startPod(stored));
        return json(res, 201, stored);
      }
      if (req.method === "GET") {
        const match = fieldMatcher(query.fieldSelector);
        const items = [...jobs.values()].filter((j) => j.metadata.namespace === ns && match(j));
        if (query.watch === "true")
          return watch(req, res, { kind: "jobs", namespace: ns, match }, items, query.timeoutSeconds);
        return json(res, 200, { kind: "JobList", apiVersion: "batch/v1", metadata: {}, items });
      }
    }
    if ((m = url.pathname.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/))) {
      const job = jobs.get(`${m[1]}/${m[2]}`);
      if (!job) return status(res, 404, "NotFound", `jobs.batch "${m[2]}" not found`);
      if (req.method === "GET") return json(res, 200, job);
      if (req.method === "DELETE") {
        deleteJob(job);
        return json(res, 200, job);
      }
    }
    if ((m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/)) && req.method === "GET") {
      const ns = m[1]!;
      const match = labelMatcher(query.labelSelector);
      const items = [...pods.values()].map((s) => s.pod).filter((p) => p.metadata.namespace === ns && match(p));
      if (query.watch === "true")
        return watch(req, res, { kind: "pods", namespace: ns, match }, items, query.timeoutSeconds);
      return json(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items });
    }
    if ((m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/)) && req.method === "GET") {
      const state = pods.get(`${m[1]}/${m[2]}`);
      if (!state) return status(res, 404, "NotFound", `pods "${m[2]}" not found`);
      if (state.pod.status.phase === "Pending")
        return status(res, 400, "BadRequest", `container "${query.container}" in pod "${m[2]}" is waiting to start`);
      res.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
      for (const line of state.log) res.write(`${line}\n`);
      const running = state.pod.status.phase === "Running";
      if (query.follow === "true" && running) {
        state.followers.add(res);
        res.on("close", () => state.followers.delete(res));
      } else res.end();
      return;
    }
    return status(
      res,
      404,
      "NotFound",
      `the server could not find the requested resource (${req.method} ${url.pathname})`,
    );
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) status(res, 500, "InternalError", String(e));
      else res.end();
    });
  });
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "emulator", cluster: { server: endpoint, "insecure-skip-tls-verify": true } }],
    users: [{ name: "emulator", user: { token } }],
    contexts: [{ name: "emulator", context: { cluster: "emulator", user: "emulator", namespace: "default" } }],
    "current-context": "emulator",
  });

  return {
    endpoint,
    token,
    kubeconfig,
    clusterConfig: { config: kubeconfig, context_name: "emulator" },
    requests,
    jobs,
    async stop() {
      for (const state of pods.values()) {
        state.timers.forEach(clearTimeout);
        state.child?.kill("SIGKILL");
      }
      for (const w of watchers) w.res.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
