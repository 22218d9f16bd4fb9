import { HEATMAP_SIZE, type Frame, type HistoryEntry } from './lab-run';

/** Which layers of the 2D view to draw. */
export interface LayerToggles {
  heatmap: boolean;
  real: boolean;
  fake: boolean;
  transport: boolean;
}

/** Colors: real data green, generated purple; the heat map goes purple (D says fake) to green (D says real). */
export const COLORS = { real: '#1b7f3b', fake: '#7b2cbf', arrow: '#333333', discriminator: '#1f5fbf', generator: '#d9480f' } as const;

/** Maps D's output in [0, 1] to an RGB triple between the fake and real tints. */
export function heatColor(value: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, value));
  const fake = [216, 196, 240];
  const real = [196, 236, 204];
  return [0, 1, 2].map((i) => Math.round(fake[i] + (real[i] - fake[i]) * t)) as [number, number, number];
}

/** Draws the heat map, real and generated points and transport arrows of a frame on a square canvas. */
export function drawFrame(canvas: HTMLCanvasElement, frame: Frame, layers: LayerToggles): void {
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  const [lo, hi] = frame.window;
  const px = (x: number) => ((x - lo) / (hi - lo)) * size;
  const py = (y: number) => ((hi - y) / (hi - lo)) * size;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  if (layers.heatmap) {
    const image = new ImageData(HEATMAP_SIZE, HEATMAP_SIZE);
    for (let k = 0; k < HEATMAP_SIZE * HEATMAP_SIZE; k++) {
      const [r, g, b] = heatColor(frame.heatmap[k]);
      image.data.set([r, g, b, 255], 4 * k);
    }
    const small = new OffscreenCanvas(HEATMAP_SIZE, HEATMAP_SIZE);
    small.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, size, size);
  }
  const dots = (points: Float32Array, color: string) => {
    ctx.fillStyle = color;
    for (let i = 0; i < points.length; i += 2) ctx.fillRect(px(points[i]) - 1.5, py(points[i + 1]) - 1.5, 3, 3);
  };
  if (layers.real) dots(frame.real, COLORS.real);
  if (layers.fake) dots(frame.fake, COLORS.fake);
  if (layers.transport) {
    ctx.strokeStyle = COLORS.arrow;
    ctx.fillStyle = COLORS.arrow;
    ctx.lineWidth = 1;
    for (let i = 0; i < frame.transportTo.length; i += 2) {
      const x0 = px(frame.transportFrom[i]);
      const y0 = py(frame.transportFrom[i + 1]);
      const x1 = px(frame.transportTo[i]);
      const y1 = py(frame.transportTo[i + 1]);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
      const angle = Math.atan2(y1 - y0, x1 - x0);
      if (Math.hypot(x1 - x0, y1 - y0) > 2) {
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - 5 * Math.cos(angle - 0.4), y1 - 5 * Math.sin(angle - 0.4));
        ctx.lineTo(x1 - 5 * Math.cos(angle + 0.4), y1 - 5 * Math.sin(angle + 0.4));
        ctx.fill();
      } else {
        ctx.fillRect(x1 - 1, y1 - 1, 2, 2);
      }
    }
  }
}

/** Draws the discriminator and generator losses against the step, on a shared autoscaled axis. */
export function drawLosses(canvas: HTMLCanvasElement, history: HistoryEntry[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#cccccc';
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  if (history.length < 2) return;
  let min = Infinity;
  let max = -Infinity;
  for (const h of history) {
    min = Math.min(min, h.discriminator, h.generator);
    max = Math.max(max, h.discriminator, h.generator);
  }
  if (max - min < 1e-6) max = min + 1;
  const first = history[0].step;
  const last = history[history.length - 1].step;
  const x = (step: number) => 4 + ((step - first) / Math.max(1, last - first)) * (width - 8);
  const y = (value: number) => height - 14 - ((value - min) / (max - min)) * (height - 20);
  for (const [key, color] of [['discriminator', COLORS.discriminator], ['generator', COLORS.generator]] as const) {
    ctx.strokeStyle = color;
    ctx.beginPath();
    history.forEach((h, i) => (i === 0 ? ctx.moveTo(x(h.step), y(h[key])) : ctx.lineTo(x(h.step), y(h[key]))));
    ctx.stroke();
  }
  ctx.fillStyle = '#333333';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`${min.toFixed(2)} .. ${max.toFixed(2)}, steps ${first}-${last}`, 6, height - 3);
}
