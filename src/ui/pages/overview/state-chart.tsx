// Runs by state as a horizontal bar chart drawn in SVG: one row per state type (its name and count
// on a line, the bar under it, scaled to the largest count), coloured like the state badges.
// Screen readers get a summary (aria-label) and the numbers in a visually hidden table.
import type { StateType } from "../../generated/graphql";

const ROW = 40;
const BAR_Y = 20;
const BAR_HEIGHT = 12;

export interface StateCount {
  type: StateType;
  count: number;
}

const label = (type: StateType) => type.charAt(0) + type.slice(1).toLowerCase();

export function StateChart({ counts, caption }: { counts: readonly StateCount[]; caption: string }) {
  const max = Math.max(1, ...counts.map((c) => c.count));
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const present = counts.filter((c) => c.count > 0);
  const summary =
    total === 0
      ? `${caption}: no runs`
      : `${caption}: ${total} runs — ${present.map((c) => `${c.count} ${label(c.type).toLowerCase()}`).join(", ")}`;
  return (
    <figure className="overview-chart">
      <svg role="img" aria-label={summary} width="100%" height={counts.length * ROW} data-total={total}>
        {counts.map((c, i) => (
          <g key={c.type} transform={`translate(0 ${i * ROW})`} data-state-type={c.type} data-count={c.count}>
            <text x="0" y="14" className="overview-chart-label">
              {label(c.type)}
            </text>
            <text x="100%" y="14" textAnchor="end" className="overview-chart-count">
              {c.count.toLocaleString()}
            </text>
            <rect x="0" y={BAR_Y} width="100%" height={BAR_HEIGHT} rx="3" className="overview-chart-track" />
            {c.count > 0 && (
              <rect
                x="0"
                y={BAR_Y}
                width={`${(c.count / max) * 100}%`}
                height={BAR_HEIGHT}
                rx="3"
                className={`overview-bar overview-bar-${c.type.toLowerCase()}`}
              />
            )}
          </g>
        ))}
      </svg>
      <table className="overview-visually-hidden">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Runs</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((c) => (
            <tr key={c.type}>
              <th scope="row">{label(c.type)}</th>
              <td>{c.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
