// A run's logs as a terminal-like list: older lines on demand above, live lines appended below, and
// the view kept at the bottom while the reader is there (scrolling up stops it).
import { useLayoutEffect, useRef } from "react";
import { ErrorNotice } from "../../components/error-notice";
import { LoadMore } from "../../components/load-more";
import { type LogLine, useRunLogs } from "./use-run-logs";

const LEVELS: Record<number, string> = { 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL" };

export function levelName(level: number): string {
  return LEVELS[level] ?? `LEVEL ${level}`;
}

/** within this many pixels of the end counts as "at the bottom" */
const BOTTOM_SLACK = 24;

export function RunLogs({ flowRunId, final }: { flowRunId: string; final: boolean | null }) {
  const logs = useRunLogs(flowRunId, final);
  const box = useRef<HTMLElement>(null);
  const atBottom = useRef(true);
  const before = useRef({ height: 0, firstId: undefined as string | undefined });

  // after each change: follow the end if the reader was there; when older lines were put on top,
  // keep the lines the reader was looking at in place
  const firstId = logs.lines[0]?.id;
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    else if (before.current.firstId !== undefined && firstId !== before.current.firstId)
      el.scrollTop += el.scrollHeight - before.current.height;
    before.current = { height: el.scrollHeight, firstId };
  });

  const onScroll = () => {
    const el = box.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
  };

  return (
    <section className="run-logs" aria-labelledby="run-logs-title">
      <h2 id="run-logs-title">Logs</h2>
      {logs.error && <ErrorNotice error={logs.error} />}
      {logs.hasOlder && (
        <div className="older-logs">
          <p className="muted">The newest lines are shown; older ones load above them.</p>
          <LoadMore
            shown={logs.lines.length}
            total={logs.total}
            hasMore={logs.hasOlder}
            loading={logs.loading}
            onMore={() => void logs.loadOlder()}
          />
        </div>
      )}
      {/* a named scrolling region (browsers let the keyboard focus a scroller with no focusable content) */}
      <section className="logs" ref={box} onScroll={onScroll} aria-label="Log lines">
        {logs.lines.map((line) => (
          <Line key={line.id} line={line} />
        ))}
        {!logs.loading && logs.lines.length === 0 && <p className="muted">No log lines yet.</p>}
      </section>
      {/* one polite announcement when the stream starts or ends, never one per line */}
      <p className="muted log-status" aria-live="polite">
        {logs.following
          ? "Following live: new lines appear at the bottom."
          : logs.loading && logs.lines.length === 0
            ? "Loading logs…"
            : `${logs.lines.length.toLocaleString()} ${logs.lines.length === 1 ? "line" : "lines"} shown.`}
      </p>
    </section>
  );
}

function Line({ line }: { line: LogLine }) {
  const at = new Date(line.timestamp);
  return (
    <div className={`line level-${line.level}`} data-log-id={line.id}>
      <time dateTime={line.timestamp} title={at.toLocaleString()}>
        {at.toLocaleTimeString(undefined, { hour12: false })}.{String(at.getMilliseconds()).padStart(3, "0")}
      </time>{" "}
      <span className="level">{levelName(line.level).padEnd(8)}</span> <span className="logger">{line.name}</span>
      {" – "}
      <span className="message">{line.message}</span>
    </div>
  );
}
