import { ArgumentError, expectInteger, type ImageGrid } from '@tfgen/core';

/** Options of {@link scatterPlot}. */
export interface ScatterOptions {
  /** The true mode centers, drawn as rings of radius 3 std (the "high quality" zone). */
  readonly centers?: ReadonlyArray<readonly [number, number]>;
  /** The modes' std (sets the ring radius). */
  readonly std?: number;
  /** Image side in pixels. Default 360. */
  readonly size?: number;
  /** Half-width of the square view around the origin. Default: fits the centers plus a margin. */
  readonly extent?: number;
}

/**
 * Draws 2D samples (interleaved `[x0, y0, x1, y1, ...]`) over the true modes as an RGBA image:
 * samples as dark blue dots, each mode's 3-std "high quality" disc as a red ring, axes in grey.
 * Encode it with `encodePng` / `writePng` from `@tfgen/core/node`.
 */
export function scatterPlot(points: ArrayLike<number>, options: ScatterOptions = {}): ImageGrid {
  const size = expectInteger(options.size ?? 360, 'options.size', 16, 4096);
  if (points.length % 2 !== 0) throw new ArgumentError('points', 'interleaved x, y pairs (even length)', points.length);
  const centers = options.centers ?? [];
  const reach = centers.reduce((m, [x, y]) => Math.max(m, Math.abs(x), Math.abs(y)), 0);
  const extent = options.extent ?? (reach > 0 ? reach * 1.35 : 2);
  const data = new Uint8Array(size * size * 4).fill(255);
  const toPixel = (x: number, y: number): [number, number] => [
    Math.round(((x + extent) / (2 * extent)) * (size - 1)),
    Math.round(((extent - y) / (2 * extent)) * (size - 1)),
  ];
  const put = (px: number, py: number, rgb: readonly [number, number, number], alpha = 1) => {
    if (px < 0 || py < 0 || px >= size || py >= size) return;
    const i = 4 * (py * size + px);
    for (let c = 0; c < 3; c++) data[i + c] = Math.round(data[i + c] * (1 - alpha) + rgb[c] * alpha);
  };
  // axes
  const [ox, oy] = toPixel(0, 0);
  for (let k = 0; k < size; k++) {
    put(k, oy, [200, 200, 200]);
    put(ox, k, [200, 200, 200]);
  }
  // samples: 2x2 dots, semi-transparent so density shows
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const [px, py] = toPixel(x, y);
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) put(px + dx, py + dy, [20, 40, 160], 0.55);
  }
  // mode rings: radius max(3 std in pixels, 4 px)
  const std = options.std ?? 0;
  const radius = Math.max(4, ((3 * std) / (2 * extent)) * (size - 1));
  for (const [cx, cy] of centers) {
    const [px, py] = toPixel(cx, cy);
    const steps = Math.max(24, Math.ceil(2 * Math.PI * radius * 2));
    for (let s = 0; s < steps; s++) {
      const a = (2 * Math.PI * s) / steps;
      put(Math.round(px + radius * Math.cos(a)), Math.round(py + radius * Math.sin(a)), [220, 30, 30]);
    }
  }
  return { width: size, height: size, data };
}
