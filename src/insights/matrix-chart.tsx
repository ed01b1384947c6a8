// The matrix as a 2×2: required capabilities above, chosen ones below; the
// threshold splits each band into its not-satisfied and satisfied quadrant.
// Each capability with enough answers is a dot at its share of satisfied
// answers with its 95% interval as a line, so one whose interval crosses the
// threshold is visibly unclear. A plain SVG drawn here (one row per
// capability reads better than Plot's facets), with a title and description
// for assistive technology, and the same numbers one toggle away in a table.

import { randomBytes } from 'node:crypto';
import { DataTable } from '../core/ui/components.tsx';
import type { Matrix, MatrixRow } from './matrix.ts';
import { groupOf, matrixGroups, QUADRANTS } from './matrix.ts';

const WIDTH = 640;
const LEFT = 180;
const RIGHT = 20;
const TOP = 8;
const BAND_HEAD = 26;
const ROW = 20;
const AXIS = 44;

/** The x of a percentage, to a tenth of a pixel (more digits draw nothing and weigh on the page). */
const x = (percent: number) =>
  Math.round((LEFT + ((WIDTH - LEFT - RIGHT) * percent) / 100) * 10) / 10;
/** Whole percent, rounded down: at a whole-number threshold the printed bounds agree with the rule. */
export const pct = (v: number) => Math.floor(v);

/** Short enough for the chart's name column; the table has the full name. */
function fit(name: string, max = 26): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

interface Band {
  label: string;
  poor: string;
  good: string;
  rows: MatrixRow[];
}

function bandOf(rows: MatrixRow[], obligation: 'mandatory' | 'optional'): Band {
  const [poor, good] =
    obligation === 'mandatory'
      ? [QUADRANTS['fix-first'].title, QUADRANTS.invest.title]
      : [QUADRANTS.rethink.title, QUADRANTS.grow.title];
  return {
    label: obligation === 'mandatory' ? 'Required' : 'Chosen',
    poor,
    good,
    rows: rows
      .filter((r) => r.capability.obligation === obligation && r.experience.csat !== null)
      .sort((a, b) => b.experience.csat! - a.experience.csat!),
  };
}

/** One sentence on where everything landed, for the chart's description. */
export function matrixSentence(m: Matrix): string {
  const words: Record<string, string> = {
    invest: 'to invest in',
    'fix-first': 'to fix first',
    grow: 'to grow',
    rethink: 'to rethink or retire',
    unclear: 'unclear',
    'no-data': 'with too few answers to place',
  };
  const parts = matrixGroups(m.rows)
    .filter((g) => g.rows.length > 0)
    .map((g) => `${g.rows.length} ${words[g.key]}`);
  return parts.length === 0
    ? 'No capability is on offer yet.'
    : `Of ${m.rows.length} capabilities: ${parts.join(', ')}.`;
}

function MatrixSvg(props: { m: Matrix; id: string; title: string; description: string }) {
  const { m } = props;
  const bands = [bandOf(m.rows, 'mandatory'), bandOf(m.rows, 'optional')];
  const heights = bands.map((b) => BAND_HEAD + Math.max(1, b.rows.length) * ROW + 6);
  const height = TOP + heights[0]! + heights[1]! + AXIS;
  const t = x(m.threshold);
  let y = TOP;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
      role="img"
      aria-labelledby={`${props.id}-title`}
      aria-describedby={`${props.id}-desc`}
      data-points={bands[0]!.rows.length + bands[1]!.rows.length}
      class="paved-plot matrix-chart"
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.description}</desc>
      {bands.map((band, i) => {
        const top = y;
        const h = heights[i]!;
        y += h;
        return (
          <g>
            <rect
              x={LEFT}
              y={top}
              width={t - LEFT}
              height={h}
              fill="currentColor"
              fill-opacity="0.03"
              stroke="currentColor"
              stroke-opacity="0.35"
            />
            <rect
              x={t}
              y={top}
              width={WIDTH - RIGHT - t}
              height={h}
              fill="currentColor"
              fill-opacity="0.08"
              stroke="currentColor"
              stroke-opacity="0.35"
            />
            <text x={4} y={top + 17} font-weight="700">
              {band.label}
            </text>
            <text x={LEFT + 6} y={top + 17} font-weight="700">
              {band.poor}
            </text>
            <text x={WIDTH - RIGHT - 6} y={top + 17} font-weight="700" text-anchor="end">
              {band.good}
            </text>
            {band.rows.length === 0 ? (
              <text x={LEFT + 6} y={top + BAND_HEAD + 14} fill-opacity="0.8">
                None with enough answers to place
              </text>
            ) : (
              band.rows.map((r, j) => {
                const cy = top + BAND_HEAD + j * ROW + ROW / 2;
                const e = r.experience;
                return (
                  <g>
                    <text x={LEFT - 6} y={cy + 4} text-anchor="end">
                      {fit(r.capability.name)}
                    </text>
                    <line
                      x1={x(e.low!)}
                      x2={x(e.high!)}
                      y1={cy}
                      y2={cy}
                      stroke="currentColor"
                      stroke-width="2"
                    />
                    <circle cx={x(e.csat!)} cy={cy} r="4.5" fill="currentColor" />
                  </g>
                );
              })
            )}
          </g>
        );
      })}
      <line
        x1={t}
        x2={t}
        y1={TOP}
        y2={y + 6}
        stroke="currentColor"
        stroke-width="2"
        stroke-dasharray="5 3"
      />
      {[0, 20, 40, 60, 80, 100].map((v) => (
        <g>
          <line x1={x(v)} x2={x(v)} y1={y} y2={y + 5} stroke="currentColor" />
          <text x={x(v)} y={y + 17} text-anchor="middle">
            {v}
          </text>
        </g>
      ))}
      <text x={(LEFT + WIDTH - RIGHT) / 2} y={y + 36} text-anchor="middle">
        Satisfied (4 or 5 of 5), % with its 95% interval; dashed: the {m.threshold}% threshold
      </text>
    </svg>
  );
}

const GROUP_WORDS: Record<string, string> = {
  unclear: 'Unclear',
  'no-data': 'Too few answers to place',
};

/** The matrix chart with its caption, description and the same numbers as a table. */
export function MatrixChart({ m }: { m: Matrix }) {
  const id = `chart-${randomBytes(4).toString('hex')}`;
  const title = `Mandate–choice matrix, ${m.period}`;
  const description = `${matrixSentence(m)} Required capabilities are in the upper band, chosen ones in the lower; to the right of the dashed line at ${m.threshold}% developers are satisfied, to its left they are not. A line that crosses the dashed one is unclear.`;
  const rows = m.rows.filter((r) => r.experience.csat !== null);
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <MatrixSvg m={m} id={id} title={title} description={description} />
      <p class="muted">{description}</p>
      <details>
        <summary>Show the numbers as a table</summary>
        <DataTable
          caption={title}
          rows={rows}
          empty="No capability has enough answers to place yet."
          columns={[
            { label: 'Capability', cell: (r) => r.capability.name },
            {
              label: 'Obligation',
              cell: (r) => (r.capability.obligation === 'mandatory' ? 'Required' : 'Chosen'),
            },
            { label: 'Satisfied (%)', numeric: true, cell: (r) => Math.round(r.experience.csat!) },
            { label: 'Interval low (%)', numeric: true, cell: (r) => pct(r.experience.low!) },
            { label: 'Interval high (%)', numeric: true, cell: (r) => pct(r.experience.high!) },
            { label: 'Answers', numeric: true, cell: (r) => r.experience.n },
            {
              label: 'Placed',
              cell: (r) => {
                const g = groupOf(r);
                return g in QUADRANTS
                  ? QUADRANTS[g as keyof typeof QUADRANTS].title
                  : GROUP_WORDS[g];
              },
            },
          ]}
        />
      </details>
    </figure>
  );
}
