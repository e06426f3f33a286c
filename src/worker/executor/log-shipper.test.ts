// The log shipper against a fake server: batches by size, order kept across an outage, refused
// batches dropped, everything sent on close; and console capture.
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrdoApiError } from "../../client/ordo-client.js";
import type { LogInput } from "../../client/generated/graphql.js";
import { captureConsole, LogShipper } from "./log-shipper.js";

afterEach(() => vi.restoreAllMocks());

function fakeSink() {
  const calls: LogInput[][] = [];
  let failWith: unknown = null;
  return {
    calls,
    fail(e: unknown) {
      failWith = e;
    },
    async createLogs(logs: LogInput[]) {
      if (failWith) throw failWith;
      calls.push(logs);
      return logs.length;
    },
  };
}

describe("LogShipper", () => {
  it("sends a batch as soon as it is full, and the rest on close", async () => {
    const sink = fakeSink();
    const shipper = new LogShipper(sink, "run", { intervalMs: 60_000, batchSize: 3 });
    for (let i = 0; i < 4; i++) shipper.add(20, "n", `line ${i}`);
    await shipper.flush();
    await shipper.close();
    expect(sink.calls.flat().map((l) => l.message)).toEqual(["line 0", "line 1", "line 2", "line 3"]);
    expect(sink.calls[0]![0]).toMatchObject({ flowRunId: "run", level: 20, name: "n" });
  });

  it("keeps lines through an outage and sends them in order afterwards", async () => {
    const sink = fakeSink();
    const warn = vi.fn();
    const shipper = new LogShipper(sink, "run", { intervalMs: 60_000, warn });
    sink.fail(new Error("fetch failed"));
    shipper.add(20, "n", "a");
    await shipper.flush();
    shipper.add(20, "n", "b");
    await shipper.flush();
    expect(warn).toHaveBeenCalledTimes(1);
    sink.fail(null);
    await shipper.close();
    expect(sink.calls.flat().map((l) => l.message)).toEqual(["a", "b"]);
  });

  it("drops a batch the server refuses as such", async () => {
    const sink = fakeSink();
    const warn = vi.fn();
    const shipper = new LogShipper(sink, "run", { warn });
    sink.fail(new OrdoApiError("No flow run", "NOT_FOUND", "logs[0].flowRunId"));
    shipper.add(20, "n", "lost");
    await shipper.close(1000);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("refused 1 log lines"));
  });
});

describe("captureConsole", () => {
  it("ships console lines with their level and still prints them, until restored", () => {
    const shipped: Array<[number, string]> = [];
    const print = vi.spyOn(console, "warn").mockImplementation(() => {});
    const restore = captureConsole((level, message) => shipped.push([level, message]));
    console.warn("disk at %d%%", 91);
    restore();
    console.warn("not shipped");
    expect(shipped).toEqual([[30, "disk at 91%"]]);
    expect(print).toHaveBeenCalledTimes(2);
  });
});
