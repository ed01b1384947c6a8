import * as Plot from '@observablehq/plot';
import { describe, expect, it } from 'vitest';
import { Chart } from './chart.tsx';

const data = [
  { quarter: '2026-Q2', nps: 12 },
  { quarter: '2026-Q3', nps: 31 },
  { quarter: '2026-Q4', nps: 54 },
];

describe('Chart', () => {
  it('renders an accessible SVG without inline styles, and the same numbers as a table', async () => {
    const html = (
      <Chart
        title="NPS by quarter"
        description="NPS rose from 12 to 54 over three quarters."
        plot={{
          marks: [
            Plot.lineY(data, { x: 'quarter', y: 'nps' }),
            Plot.dot(data, { x: 'quarter', y: 'nps' }),
          ],
          x: { type: 'point' },
        }}
        columns={[
          { label: 'Quarter', cell: (r: (typeof data)[number]) => r.quarter },
          { label: 'NPS', numeric: true, cell: (r: (typeof data)[number]) => r.nps },
        ]}
        rows={data}
      />
    ).toString();
    const svgTag = html.match(/<svg[^>]*>/)?.[0] ?? '';
    expect(svgTag).toContain('role="img"');
    expect(svgTag).toMatch(/aria-labelledby="chart-[0-9a-f]+-title"/);
    expect(svgTag).toMatch(/aria-describedby="chart-[0-9a-f]+-desc"/);
    // The points it draws, which the browser suite holds against the table's rows.
    expect(svgTag).toContain('data-points="3"');
    expect(html).toMatch(/<title id="chart-[0-9a-f]+-title">NPS by quarter<\/title>/);
    expect(html).toContain('NPS rose from 12 to 54 over three quarters.</desc>');
    expect(html).toContain('class="paved-plot"');
    // The CSP forbids inline styles, so none may remain.
    expect(html).not.toMatch(/<style|\sstyle="/);
    // One image, one name: Plot's labels on inner groups are removed.
    expect(html.slice(html.indexOf('<svg'), html.indexOf('</svg>'))).not.toMatch(
      /<g[^>]*aria-label/,
    );
    // Coordinates to a tenth of a pixel: 12 → 54 over Plot's default height lands between pixels.
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toMatch(/ d="M[^"]*\.\d/);
    expect(svg).not.toMatch(/\d\.\d{2}/);
    // The table holds every plotted number.
    const cells = [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(cells).toEqual([12, 31, 54]);
    expect(html).toContain('<summary>Show the numbers as a table</summary>');
  });
});
