// Signals and liveness for a whole process group, so killing a job also kills what it started.
import { readdir, readFile } from "node:fs/promises";

/** Sends a signal to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
}

/**
 * Whether any live process is left in the group. On Linux /proc is read so that zombies do not
 * count: an init that never reaps orphans (some container inits) would keep them around forever.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  if (process.platform !== "linux") return signalProbe(pgid);
  let pids: string[];
  try {
    pids = (await readdir("/proc")).filter((n) => /^\d+$/.test(n));
  } catch {
    return signalProbe(pgid);
  }
  const states = await Promise.all(
    pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").then(parseStat, () => null)),
  );
  return states.some((s) => s !== null && s.pgrp === pgid && s.state !== "Z" && s.state !== "X");
}

/** Whether one process is alive (not a zombie); used by tests to check a grandchild died. */
export async function processAlive(pid: number): Promise<boolean> {
  if (process.platform !== "linux") return signalProbe(pid, false);
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").then(parseStat, () => null);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

function signalProbe(id: number, group = true): boolean {
  try {
    process.kill(group ? -id : id, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** "pid (comm) state ppid pgrp …" — comm may hold spaces and parentheses, so split after the last ")". */
function parseStat(text: string): { state: string; pgrp: number } | null {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const pgrp = Number(fields[2]);
  return fields[0] && Number.isInteger(pgrp) ? { state: fields[0], pgrp } : null;
}
