import { describe, expect, it } from 'vitest';
import { defaultCurveMetrics, renderLossCurveSvg } from './loss-plot';

describe('loss curve', () => {
  it('renders one line per loss metric as SVG (vega-lite, no browser)', async () => {
    const records = Array.from({ length: 20 }, (_, i) => ({ step: 10 * (i + 1), 'loss/generator': Math.exp(-i / 5), 'loss/discriminator': 1 + i / 20, 'lr/generator': 2e-4 }));
    expect(defaultCurveMetrics(records)).toEqual(['loss/generator', 'loss/discriminator']);
    const svg = await renderLossCurveSvg(records, { title: 'unit test curve' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('unit test curve');
    expect(svg).toContain('loss/generator');
    expect(svg).toContain('loss/discriminator');
    expect(svg).not.toContain('lr/generator');
    // two line marks, each a path through 20 points
    const lines = svg.match(/<path[^>]*aria-roledescription="line mark"[^>]*d="M[^"]*"/g) ?? [];
    expect(lines.length).toBe(2);
  }, 60_000);
});
