// Small SVG charts (no chart library): a line chart of a run's progress and a bar chart of mentors' load.

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

const W = 560;
const H = 200;
const PAD = 36;

export function LineChart({ title, series, xLabel }: { title: string; series: Series[]; xLabel: string }) {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xMax = Math.max(1, ...xs);
  const yMax = Math.max(1, ...ys);
  const x = (v: number) => PAD + (v / xMax) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (v / yMax) * (H - 2 * PAD);
  const summary = series.map((s) => `${s.name} ${s.points.at(-1)?.y ?? 0}`).join(", ");
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`} data-testid="progress-chart">
        <title>{title}</title>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="#333" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} stroke="#333" />
        <text x={PAD - 4} y={PAD} textAnchor="end" fontSize="11">{yMax}</text>
        <text x={PAD - 4} y={H - PAD} textAnchor="end" fontSize="11">0</text>
        <text x={W - PAD} y={H - PAD + 16} textAnchor="end" fontSize="11">{`${xMax.toFixed(1)} ${xLabel}`}</text>
        {series.map((s) => (
          <g key={s.name}>
            <polyline
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              points={s.points.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")}
            />
            {s.points.map((p, i) => (
              <circle key={i} cx={x(p.x)} cy={y(p.y)} r={2.5} fill={s.color} />
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.name} className="legend">
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.name}:{" "}
            {s.points.at(-1)?.y ?? "–"}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export interface LoadBar {
  label: string;
  capacity: number;
  current: number;
  after: number;
  over: boolean;
}

/** One row per mentor: capacity (outline), current load (grey) and load after the run (blue, red if over). */
export function LoadChart({ title, bars }: { title: string; bars: LoadBar[] }) {
  const row = 16;
  const labelW = 150;
  const maxCap = Math.max(1, ...bars.map((b) => Math.max(b.capacity, b.after)));
  const unit = (W - labelW - 70) / maxCap;
  const height = bars.length * row + 24;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${height}`}
        role="img"
        aria-label={`${title}: ${bars.length} mentors, ${bars.filter((b) => b.over).length} over capacity`}
        data-testid="load-chart"
      >
        <title>{title}</title>
        {bars.map((b, i) => (
          <g key={b.label} transform={`translate(0, ${i * row + 4})`}>
            <text x={labelW - 6} y={11} textAnchor="end" fontSize="11">{b.label}</text>
            <rect x={labelW} y={2} width={b.capacity * unit} height={row - 4} fill="none" stroke="#555" />
            <rect x={labelW} y={2} width={b.after * unit} height={row - 4} fill={b.over ? "#b00020" : "#1f5fa8"} />
            <rect x={labelW} y={row / 2 - 1} width={b.current * unit} height={2} fill="#000" />
            <text x={labelW + Math.max(b.capacity, b.after) * unit + 4} y={11} fontSize="11">
              {`${b.current}→${b.after}/${b.capacity}`}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>Bar: load after publishing (red over capacity); outline: capacity; black line: load today.</figcaption>
    </figure>
  );
}
