import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfgen/core';
import { writePng } from '@tfgen/core/node';
import { gridOfGaussians, ringOfGaussians, type Mixture2D } from '@tfgen/datasets';
import { likelihoodSummary, modeCoverage, precisionRecall } from '@tfgen/metrics';
import { join } from 'node:path';
import { GAN_RECIPES, ganContender, vae2dContender, type Contender } from './contenders';
import { lossCurves, scatterOverModes } from './plots';
import type { ComparePreset } from './presets';
import { openRowCache, settingsFingerprint } from './row-cache';
import { lateLossStd, timedSample, train, yieldToEventLoop } from './stats';

/** One contender's numbers on one 2D mixture. */
export interface MixtureRow {
  readonly dataset: string;
  readonly model: string;
  readonly family: 'GAN' | 'explicit';
  readonly description: string;
  readonly modesCovered: number;
  readonly modeCount: number;
  readonly highQualityPercent: number;
  readonly reverseKl: number;
  readonly precision: number;
  readonly recall: number;
  /** NLL of held-out points in nats per point (explicit models), null for GANs. */
  readonly nllNats: number | null;
  readonly nllKind: string | null;
  readonly lossStd: number;
  readonly diverged: boolean;
  readonly samplesPerSecond: number;
  readonly trainSeconds: number;
  /** Process CPU seconds of training (the machine may have been shared: wall time alone misleads). */
  readonly trainCpuSeconds: number;
  readonly steps: number;
  readonly sampleCount: number;
  readonly scatterFile: string;
  readonly lossFile: string;
}

/** A flat [x0, y0, x1, y1, ...] array as rows of 2D points. */
function pairs(flat: Float32Array): number[][] {
  return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
}

/** Log-density of the true mixture (equal weights, isotropic std) at `points`: the reference NLL. */
export function mixtureNll(mixture: Mixture2D, points: Float32Array): number {
  const { centers, std } = mixture;
  let total = 0;
  const n = points.length / 2;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    const terms = centers.map(([cx, cy]) => -((points[2 * i] - cx) ** 2 + (points[2 * i + 1] - cy) ** 2) / (2 * std * std));
    for (const t of terms) best = Math.max(best, t);
    const lse = best + Math.log(terms.reduce((s, t) => s + Math.exp(t - best), 0));
    total += -(lse - Math.log(centers.length) - Math.log(2 * Math.PI * std * std));
  }
  return total / n;
}

/** Runs every contender on the ring of 8 and the grid of 25 and writes their figures under `outDir`. */
export async function runMixtureStudy(
  preset: ComparePreset,
  outDir: string,
  seed: number,
  log: (line: string) => void,
  options: { mixtures?: readonly string[]; onRow?: (rows: readonly MixtureRow[], referenceNll: Record<string, number>) => void } = {},
): Promise<{ rows: MixtureRow[]; referenceNll: Record<string, number> }> {
  const mixtures = [ringOfGaussians(), gridOfGaussians()].filter((m) => !options.mixtures || options.mixtures.includes(m.name));
  const rows: MixtureRow[] = [];
  const referenceNll: Record<string, number> = {};
  // Finished models are stored as they finish, so a killed run resumes from them.
  const cache = openRowCache(outDir);
  const settings = settingsFingerprint({ sizes: preset.mixture, seed });
  for (const mixture of mixtures) {
    const evalRng = new Rng(seed).fork(`eval/${mixture.name}`);
    const realPoints = mixture.sample(preset.mixture.evalSamples, evalRng);
    const heldOut = mixture.sample(preset.mixture.nllPoints, evalRng);
    referenceNll[mixture.name] = mixtureNll(mixture, heldOut);
    const contenders: Array<() => Contender> = [
      ...preset.mixture.gans.map((recipe) => () =>
        ganContender(recipe, { dataDim: 2, latentDim: 4, generatorUnits: [128, 128, 128], discriminatorUnits: [128, 128], outputActivation: 'linear' }, seed, {
          unrollSteps: preset.mixture.unrollSteps,
        }),
      ),
      () => vae2dContender(seed, { nllSamples: preset.mixture.nllImportanceSamples }),
    ];
    const names = [...preset.mixture.gans, 'vae'];
    for (const [index, make] of contenders.entries()) {
      const key = `mixture/${mixture.name}/${names[index]}/${settings}`;
      const cached = cache.get<MixtureRow>(key, (row) => [row.scatterFile, row.lossFile]);
      if (cached) {
        rows.push(cached);
        options.onRow?.(rows, referenceNll);
        log(`[${mixture.name}] ${cached.model}: finished in an earlier run (${cached.trainCpuSeconds.toFixed(0)} CPU s), reused`);
        continue;
      }
      const contender = make();
      try {
        log(`[${mixture.name}] training ${contender.name} for ${preset.mixture.steps} steps`);
        const trace = await train(
          contender,
          (rng) => tf.tensor2d(mixture.sample(preset.mixture.batchSize, rng), [preset.mixture.batchSize, 2]),
          preset.mixture.steps,
          seed,
        );
        await yieldToEventLoop();
        const { samples, perSecond } = timedSample(contender, preset.mixture.evalSamples, seed);
        const points = Float32Array.from(samples.dataSync());
        samples.dispose();
        const finite = points.every(Number.isFinite);
        const coverage = finite
          ? modeCoverage(points, { centers: mixture.centers, std: mixture.std })
          : { modesCovered: 0, modeCount: mixture.centers.length, highQualityFraction: 0, reverseKl: NaN, sampleCount: points.length / 2 };
        const pr = finite ? precisionRecall(pairs(realPoints), pairs(points), { k: 3 }) : { precision: NaN, recall: NaN };
        let nllNats: number | null = null;
        if (contender.nll) {
          const x = tf.tensor2d(heldOut, [heldOut.length / 2, 2]);
          nllNats = likelihoodSummary(contender.nll(x, new Rng(seed).fork('nll')), 2).nllNats;
          x.dispose();
        }
        const scatterFile = `scatter-${mixture.name}-${contender.name}.png`;
        const lossFile = `loss-${mixture.name}-${contender.name}.png`;
        writePng(join(outDir, scatterFile), scatterOverModes(points, mixture.centers, mixture.std));
        writePng(join(outDir, lossFile), lossCurves(contender.lossKeys.map((k) => trace.losses[k])));
        const row: MixtureRow = {
          dataset: mixture.name,
          model: contender.name,
          family: contender.family,
          description: contender.description,
          modesCovered: coverage.modesCovered,
          modeCount: coverage.modeCount,
          highQualityPercent: 100 * coverage.highQualityFraction,
          reverseKl: coverage.reverseKl,
          precision: pr.precision,
          recall: pr.recall,
          nllNats,
          nllKind: contender.nllKind ?? null,
          lossStd: lateLossStd(trace, contender.lossKeys[0]),
          diverged: trace.diverged || !finite,
          samplesPerSecond: perSecond,
          trainSeconds: trace.seconds,
          trainCpuSeconds: trace.cpuSeconds,
          steps: trace.steps,
          sampleCount: coverage.sampleCount,
          scatterFile,
          lossFile,
        };
        rows.push(row);
        cache.put(key, row);
        options.onRow?.(rows, referenceNll);
        log(
          `[${mixture.name}] ${contender.name}: ${row.modesCovered}/${row.modeCount} modes, ${row.highQualityPercent.toFixed(1)}% HQ, ` +
            `precision ${row.precision.toFixed(3)}, recall ${row.recall.toFixed(3)}, ${trace.seconds.toFixed(1)} s (${trace.cpuSeconds.toFixed(1)} CPU s)`,
        );
      } finally {
        contender.dispose();
      }
    }
  }
  return { rows, referenceNll };
}

export { GAN_RECIPES };
