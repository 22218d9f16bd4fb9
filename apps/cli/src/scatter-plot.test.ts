import { describe, expect, it } from 'vitest';
import { scatterPlot } from './scatter-plot';

function pixel(grid: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const i = 4 * (y * grid.width + x);
  return [grid.data[i], grid.data[i + 1], grid.data[i + 2], grid.data[i + 3]];
}

describe('scatterPlot', () => {
  it('puts points where the data says: x to the right, y up, extent fitted to the centers', () => {
    // extent = 1.35 * max|center| = 1.35; pixel = (x + e) / 2e * (size - 1)
    const grid = scatterPlot([1, 0, 0, 1], { centers: [[1, 0], [-1, 0]], std: 0.01, size: 271 });
    expect(grid.width).toBe(271);
    expect(grid.data.length).toBe(271 * 271 * 4);
    const px = (x: number) => Math.round(((x + 1.35) / 2.7) * 270);
    const py = (y: number) => Math.round(((1.35 - y) / 2.7) * 270);
    const [r, g, b] = pixel(grid, px(0) + 1, py(1) + 1); // the (0, 1) dot, off the axis line
    expect(b).toBeGreaterThan(r + 50);
    expect(g).toBeLessThan(200);
    // the mode ring around (-1, 0): red at radius max(4 px, 3 std) = 4 px to its left
    const [rr, rg, rb] = pixel(grid, px(-1) - 4, py(0));
    expect(rr).toBeGreaterThan(180);
    expect(rg).toBeLessThan(80);
    expect(rb).toBeLessThan(80);
    // far from everything: white
    expect(pixel(grid, 5, 5)).toEqual([255, 255, 255, 255]);
  });

  it('ignores non-finite points and rejects odd-length input', () => {
    expect(() => scatterPlot([NaN, 1, Infinity, 0])).not.toThrow();
    expect(() => scatterPlot([1, 2, 3])).toThrow(/points: expected interleaved x, y pairs \(even length\), got 3/);
  });
});
