import type { ImageGrid } from '@tfgen/core';

/** A small RGBA canvas for report figures (no plotting dependency, PNG via @tfgen/core/node). */
export class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, background: readonly [number, number, number] = [255, 255, 255]) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      this.data.set([background[0], background[1], background[2], 255], i * 4);
    }
  }

  /** Alpha-blends one pixel. */
  blend(x: number, y: number, color: readonly [number, number, number], alpha = 1): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const i = (py * this.width + px) * 4;
    for (let c = 0; c < 3; c++) this.data[i + c] = Math.round(this.data[i + c] * (1 - alpha) + color[c] * alpha);
  }

  disc(x: number, y: number, radius: number, color: readonly [number, number, number], alpha = 1): void {
    for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++) {
      for (let dx = -Math.ceil(radius); dx <= Math.ceil(radius); dx++) {
        if (dx * dx + dy * dy <= radius * radius) this.blend(x + dx, y + dy, color, alpha);
      }
    }
  }

  circle(x: number, y: number, radius: number, color: readonly [number, number, number]): void {
    const steps = Math.max(16, Math.ceil(radius * 8));
    for (let s = 0; s < steps; s++) {
      const a = (2 * Math.PI * s) / steps;
      this.blend(x + radius * Math.cos(a), y + radius * Math.sin(a), color);
    }
  }

  line(x0: number, y0: number, x1: number, y1: number, color: readonly [number, number, number], alpha = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) this.blend(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, color, alpha);
  }

  toGrid(): ImageGrid {
    return { width: this.width, height: this.height, data: this.data };
  }
}

/**
 * Scatter of 2D samples (dark dots) over the true modes (red rings of radius `threshold` std, the
 * high-quality zone of the mode-coverage metric).
 */
export function scatterOverModes(
  points: Float32Array,
  centers: ReadonlyArray<readonly [number, number]>,
  std: number,
  options: { size?: number; threshold?: number } = {},
): ImageGrid {
  const size = options.size ?? 320;
  const threshold = options.threshold ?? 3;
  let extent = 0;
  for (const [cx, cy] of centers) extent = Math.max(extent, Math.abs(cx), Math.abs(cy));
  extent = extent * 1.35 + 6 * std;
  const canvas = new Canvas(size, size);
  const toPixel = (x: number, y: number): [number, number] => [((x + extent) / (2 * extent)) * (size - 1), ((extent - y) / (2 * extent)) * (size - 1)];
  // axes
  const [ox, oy] = toPixel(0, 0);
  canvas.line(0, oy, size - 1, oy, [220, 220, 220]);
  canvas.line(ox, 0, ox, size - 1, [220, 220, 220]);
  for (let i = 0; i < points.length / 2; i++) {
    const [px, py] = toPixel(points[2 * i], points[2 * i + 1]);
    canvas.disc(px, py, 1.2, [20, 40, 120], 0.35);
  }
  const ringRadius = Math.max(2, ((threshold * std) / (2 * extent)) * (size - 1));
  for (const [cx, cy] of centers) {
    const [px, py] = toPixel(cx, cy);
    canvas.circle(px, py, ringRadius, [220, 30, 30]);
  }
  return canvas.toGrid();
}

const SERIES_COLORS: ReadonlyArray<readonly [number, number, number]> = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
];

/**
 * Loss curves (one colour per series: blue, orange, green, red), each smoothed with a moving
 * average of `smooth` steps, on a shared y-range clipped to the 2nd-98th percentile.
 */
export function lossCurves(series: ReadonlyArray<readonly number[]>, options: { width?: number; height?: number; smooth?: number } = {}): ImageGrid {
  const width = options.width ?? 360;
  const height = options.height ?? 200;
  const smooth = options.smooth ?? 10;
  const canvas = new Canvas(width, height);
  const smoothed = series.map((values) => {
    const out: number[] = [];
    let sum = 0;
    const finite = values.map((v) => (Number.isFinite(v) ? v : 0));
    for (let i = 0; i < finite.length; i++) {
      sum += finite[i];
      if (i >= smooth) sum -= finite[i - smooth];
      out.push(sum / Math.min(i + 1, smooth));
    }
    return out;
  });
  const all = smoothed.flat().sort((a, b) => a - b);
  if (all.length === 0) return canvas.toGrid();
  let low = all[Math.floor(all.length * 0.02)];
  let high = all[Math.min(all.length - 1, Math.floor(all.length * 0.98))];
  if (high - low < 1e-6) {
    low -= 0.5;
    high += 0.5;
  }
  const margin = 8;
  const toY = (v: number) => margin + (1 - (Math.min(Math.max(v, low), high) - low) / (high - low)) * (height - 2 * margin);
  if (low < 0 && high > 0) canvas.line(0, toY(0), width - 1, toY(0), [200, 200, 200]);
  smoothed.forEach((values, s) => {
    const color = SERIES_COLORS[s % SERIES_COLORS.length];
    for (let i = 1; i < values.length; i++) {
      const x0 = margin + ((i - 1) / Math.max(1, values.length - 1)) * (width - 2 * margin);
      const x1 = margin + (i / Math.max(1, values.length - 1)) * (width - 2 * margin);
      canvas.line(x0, toY(values[i - 1]), x1, toY(values[i]), color);
    }
  });
  return canvas.toGrid();
}
