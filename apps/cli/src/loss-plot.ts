import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** Options of {@link renderLossCurveSvg}. */
export interface LossCurveOptions {
  /** Chart title. */
  readonly title?: string;
  /** Metrics to plot; default: every key starting with `loss/` or `penalty/`, or `loss`. */
  readonly metrics?: readonly string[];
  readonly width?: number;
  readonly height?: number;
}

/** The metric keys plotted by default: losses and penalties. */
export function defaultCurveMetrics(records: ReadonlyArray<Record<string, unknown>>): string[] {
  const keys = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) if (key === 'loss' || key.startsWith('loss/') || key.startsWith('penalty/')) keys.add(key);
  }
  return [...keys];
}

/**
 * Renders metrics records (`{ step, "loss/generator": ..., ... }`) as a line chart SVG
 * with vega-lite, in Node (no browser, no canvas): one line per metric over the step.
 *
 * @example
 * const svg = await renderLossCurveSvg(run.readMetrics(), { title: 'mlp-gan on ring' });
 */
export async function renderLossCurveSvg(records: ReadonlyArray<Record<string, unknown>>, options: LossCurveOptions = {}): Promise<string> {
  const metrics = options.metrics ?? defaultCurveMetrics(records);
  const values: Array<{ step: number; metric: string; value: number }> = [];
  for (const record of records) {
    const step = Number(record.step);
    for (const metric of metrics) {
      const value = record[metric];
      if (typeof value === 'number' && Number.isFinite(value)) values.push({ step, metric, value });
    }
  }
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'training losses',
    width: options.width ?? 560,
    height: options.height ?? 280,
    background: 'white',
    data: { values },
    mark: { type: 'line', strokeWidth: 1.2 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
      color: { field: 'metric', type: 'nominal', title: 'metric' },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders and writes the loss-curve SVG of a run's records; returns the file path. */
export async function writeLossCurve(filePath: string, records: ReadonlyArray<Record<string, unknown>>, options: LossCurveOptions = {}): Promise<string> {
  const svg = await renderLossCurveSvg(records, options);
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, svg);
  return filePath;
}
