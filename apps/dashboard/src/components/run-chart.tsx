import type { SyncRun } from '@tally/contract';
import { duration, runDurationMs } from '../format';

const COLORS: Record<string, string> = {
  succeeded: '#15803d',
  partial: '#b45309',
  failed: '#b91c1c',
  running: '#1d4ed8',
  queued: '#64748b',
};

/** Durations of recent runs, oldest on the left, as a small inline SVG bar chart. */
export function RunChart({ runs, now }: { runs: SyncRun[]; now: number }) {
  const data = [...runs].reverse().map((r) => ({ run: r, ms: runDurationMs(r, now) ?? 0 }));
  if (!data.length) return null;
  const max = Math.max(...data.map((d) => d.ms), 1);
  const width = 600;
  const height = 120;
  const gap = 4;
  const bar = Math.max(4, Math.min(40, (width - gap * data.length) / data.length));
  const label = `Durations of the last ${data.length} runs: longest ${duration(max)}, latest ${duration(data[data.length - 1].ms)}.`;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height + 18}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="xMinYMid meet"
      >
        <line x1="0" x2={width} y1={height} y2={height} stroke="#94a3b8" stroke-width="1" />
        <text x="0" y="10" class="chart-axis">
          {duration(max)}
        </text>
        {data.map(({ run, ms }, i) => {
          const h = Math.max(2, (ms / max) * (height - 16));
          return (
            <rect
              key={run.id}
              x={i * (bar + gap)}
              y={height - h}
              width={bar}
              height={h}
              rx="2"
              fill={COLORS[run.status] ?? '#64748b'}
            >
              <title>{`${run.status}, ${duration(ms)}, ${new Date(run.createdAt).toLocaleString()}`}</title>
            </rect>
          );
        })}
        {data.length > 2 && (
          <>
            <text x="0" y={height + 14} class="chart-axis">
              older
            </text>
            <text
              x={Math.min(width, data.length * (bar + gap))}
              y={height + 14}
              class="chart-axis"
              text-anchor="end"
            >
              latest
            </text>
          </>
        )}
      </svg>
      <figcaption class="muted">
        Run durations (bar colour = outcome: green succeeded, amber partial, red failed, blue running).
      </figcaption>
    </figure>
  );
}
