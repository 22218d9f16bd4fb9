import * as path from 'node:path';
import { Rng, expectInteger } from '@tfgen/core';
import { writeImageGrid } from '@tfgen/core/node';
import { loadRun } from './run-model';
import type { BackendName } from './config';
import { writeScatter } from './train';

/** Options of {@link runSample}. */
export interface SampleOptions {
  /** Samples to draw (default 64 images, or 1000 points for 2D runs). */
  readonly count?: number;
  /** Output PNG (default `<run>/samples/final.png`). */
  readonly out?: string;
  /** Sampling seed (default 0). */
  readonly seed?: number;
  readonly backend?: BackendName;
}

/**
 * Draws samples from a run's checkpoint into a PNG: a scatter over the true modes for 2D
 * runs, an image grid for image runs.
 *
 * @example
 * const { file } = await runSample('runs/ring', { count: 2000 });
 */
export async function runSample(runDir: string, options: SampleOptions = {}): Promise<{ file: string; count: number; step: number }> {
  const loaded = await loadRun(runDir, options.backend);
  try {
    const points = loaded.data.kind === 'points';
    const count = expectInteger(options.count ?? (points ? 1000 : 64), '--count', 1, 100_000);
    const seed = expectInteger(options.seed ?? 0, '--seed', 0);
    const file = path.resolve(options.out ?? path.join(loaded.run.samplesDir, `sample-step-${String(loaded.step).padStart(6, '0')}.png`));
    if (points) {
      writeScatter(file, loaded.model, loaded.data, count, seed);
    } else {
      const images = loaded.model.sample(count, new Rng(seed));
      try {
        writeImageGrid(file, images, { columns: Math.ceil(Math.sqrt(count)), range: '[-1,1]' });
      } finally {
        images.dispose();
      }
    }
    return { file, count, step: loaded.step };
  } finally {
    loaded.dispose();
  }
}
