// Ctrl-C and SIGTERM for commands that run a flow here: the first asks the run to stop and report,
// a second exits at once without waiting for the report.
export function abortOnSignals(): AbortSignal {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    stop.abort(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return stop.signal;
}
