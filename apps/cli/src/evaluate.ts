import * as tf from '@tensorflow/tfjs-core';
import { Rng, expectInteger } from '@tfgen/core';
import { loadMnist, loadFashionMnist } from '@tfgen/datasets/node';
import { Vae } from '@tfgen/explicit';
import { modeCoverage } from '@tfgen/metrics';
import type { BackendName } from './config';
import { loadRun } from './run-model';

/** Options of {@link runEval}. */
export interface EvalOptions {
  /** Samples (2D: points, default 2500 as in PacGAN) or test images (default 500). */
  readonly samples?: number;
  readonly seed?: number;
  readonly backend?: BackendName;
}

/** One metric of an evaluation. */
export interface EvalMetric {
  readonly name: string;
  readonly value: number;
  readonly note?: string;
}

/** What {@link runEval} reports. */
export interface EvalResult {
  readonly runDir: string;
  readonly step: number;
  readonly metrics: EvalMetric[];
}

/**
 * Metrics on a run's checkpoint. 2D mixtures: mode coverage, high-quality fraction and
 * reverse KL over 2500 samples (PacGAN's protocol). VAE on MNIST: test negative ELBO and the
 * importance-sampled NLL (nats) on the first test images. GANs on images: none yet.
 */
export async function runEval(runDir: string, options: EvalOptions = {}): Promise<EvalResult> {
  const loaded = await loadRun(runDir, options.backend);
  const seed = expectInteger(options.seed ?? 0, '--seed', 0);
  const metrics: EvalMetric[] = [];
  try {
    if (loaded.data.kind === 'points') {
      const mixture = loaded.data.mixture!;
      const count = expectInteger(options.samples ?? 2500, '--samples', 1, 1_000_000);
      const samples = loaded.model.sample(count, new Rng(seed));
      const points = samples.dataSync() as Float32Array;
      samples.dispose();
      const coverage = modeCoverage(points, { centers: mixture.centers, std: mixture.std });
      metrics.push(
        { name: 'modes covered', value: coverage.modesCovered, note: `of ${coverage.modeCount}` },
        { name: 'high quality %', value: 100 * coverage.highQualityFraction, note: 'within 3 std of a mode' },
        { name: 'reverse KL (nats)', value: coverage.reverseKl, note: 'mode histogram vs uniform' },
        { name: 'samples', value: count },
      );
    } else if (loaded.model instanceof Vae) {
      const count = expectInteger(options.samples ?? 500, '--samples', 1, 10_000);
      const load = loaded.config.dataset === 'mnist' ? loadMnist : loadFashionMnist;
      const test = load({ split: 'test', scale: '[0,1]', binarize: 'static', limit: count });
      const iterator = test.batches({ batchSize: count, shuffle: false, dropRemainder: false });
      const batch = iterator.next();
      try {
        const elbo = loaded.model.elbo(batch.x, new Rng(seed));
        const ll = loaded.model.logLikelihood(batch.x, { samples: 100, chunkSize: 25, rng: new Rng(seed) });
        const [negElbo, nll] = tf.tidy(() => [tf.neg(tf.mean(elbo)).dataSync()[0], tf.neg(tf.mean(ll)).dataSync()[0]]);
        tf.dispose([elbo, ll]);
        metrics.push(
          { name: 'test -ELBO (nats)', value: negElbo, note: `${count} statically binarized test images` },
          { name: 'test NLL (nats)', value: nll, note: 'importance sampling, k=100' },
        );
      } finally {
        batch.x.dispose();
        batch.y?.dispose();
      }
    } else {
      metrics.push({ name: 'none', value: NaN, note: 'no metric for GANs on images in the CLI yet (sample grids instead)' });
    }
    return { runDir: loaded.run.dir, step: loaded.step, metrics };
  } finally {
    loaded.dispose();
  }
}
