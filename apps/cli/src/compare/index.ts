import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { ArgumentError, BackendError, expectInteger, expectOneOf, registerWasmTrainingKernels } from '@tfgen/core';
import { getGanVariant } from '@tfgen/strategies';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMPARE_PRESETS, type ComparePreset } from './presets';
import { renderReport } from './report';
import { runMixtureStudy, type MixtureRow } from './study-2d';
import { runMnistStudy, type MnistRow } from './study-mnist';

export { COMPARE_PRESETS, type ComparePreset } from './presets';
export type { MixtureRow } from './study-2d';
export type { MnistRow } from './study-mnist';

/** Options of {@link runCompare}. */
export interface CompareOptions {
  /** `quick` (minutes on 2 cores), `full` (hours; states its time), `test` (seconds, for CI smoke tests). */
  readonly preset: 'quick' | 'full' | 'test';
  /** Folder for `report.md`, `results.json` and the PNG figures (created). */
  readonly outDir: string;
  /** Seed of every draw: weights, data order, latents, metric subsets (default 0). */
  readonly seed?: number;
  /** tfjs backend; default: keep the current one. `auto` picks wasm (with conv training kernels), else cpu. */
  readonly backend?: 'auto' | 'cpu' | 'wasm';
  /** Progress lines (one per model and phase). */
  readonly onProgress?: (line: string) => void;
  /** Run one part only (default all): both 2D mixtures, one of them, or MNIST. */
  readonly only?: 'mixtures' | 'ring-8' | 'grid-25' | 'mnist';
  /** Extra GAN rows: names of variants registered in @tfgen/strategies' `ganVariants` (e.g. `['lsgan', 'r1']`). */
  readonly variants?: readonly string[];
}

/** What {@link runCompare} wrote and measured. */
export interface CompareResult {
  readonly reportPath: string;
  readonly resultsPath: string;
  readonly figures: string[];
  readonly mixtureRows: MixtureRow[];
  readonly mnistRows: MnistRow[];
  readonly seconds: number;
  readonly backend: string;
}

async function chooseBackend(requested: CompareOptions['backend']): Promise<string> {
  if (requested === undefined) {
    await tf.ready();
    return tf.getBackend();
  }
  const order = requested === 'auto' ? ['wasm', 'cpu'] : [requested];
  registerWasmTrainingKernels();
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // try the next one
    }
  }
  throw new BackendError('backend', `one of ${order.join(', ')} to load`, requested);
}

/**
 * The GAN-vs-explicit comparison study: trains a vanilla GAN, the strategies (unrolled, minibatch
 * discrimination, PacGAN, WGAN-GP, SN-hinge, TTUR) and a VAE on the ring of 8 and grid of 25
 * Gaussians, then GANs, a VAE and a PixelCNN on binarized MNIST, and writes `report.md` (tables +
 * PNG figures) and `results.json` to `outDir`. All numbers come from the run.
 *
 * @example
 * const { reportPath } = await runCompare({ preset: 'quick', outDir: 'runs/compare', seed: 0, onProgress: console.log });
 */
export async function runCompare(options: CompareOptions): Promise<CompareResult> {
  if (!options || typeof options !== 'object') throw new ArgumentError('options', 'a CompareOptions object', options);
  const presetName = expectOneOf(options.preset, 'options.preset', ['quick', 'full', 'test'] as const);
  if (typeof options.outDir !== 'string' || options.outDir.length === 0) throw new ArgumentError('options.outDir', 'a folder path', options.outDir);
  const seed = expectInteger(options.seed ?? 0, 'options.seed', 0);
  const log = options.onProgress ?? (() => {});
  const variants = options.variants ?? [];
  if (!Array.isArray(variants)) throw new ArgumentError('options.variants', 'an array of registered variant names', variants);
  variants.forEach((name, i) => {
    if (typeof name !== 'string') throw new ArgumentError(`options.variants[${i}]`, 'a variant name', name);
    getGanVariant(name); // throws, listing the registered names
  });
  const basePreset: ComparePreset = COMPARE_PRESETS[presetName];
  const preset: ComparePreset = {
    ...basePreset,
    mixture: { ...basePreset.mixture, gans: [...basePreset.mixture.gans, ...variants] },
    mnist: { ...basePreset.mnist, gans: [...basePreset.mnist.gans, ...variants] },
  };
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const backend = await chooseBackend(options.backend);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  log(`tfgen compare: preset ${preset.name} (${preset.expectedTime}), seed ${seed}, backend ${backend}, output ${outDir}`);

  const only = options.only === undefined ? undefined : expectOneOf(options.only, 'options.only', ['mixtures', 'ring-8', 'grid-25', 'mnist'] as const);
  const reportPath = join(outDir, 'report.md');
  const command = `npx tsx apps/cli/src/compare/run.ts --preset ${preset.name} --seed ${seed}${options.backend ? ` --backend ${options.backend}` : ''}${only ? ` --only ${only}` : ''}${variants.length ? ` --variants ${variants.join(',')}` : ''}`;
  let mixtureRows: readonly MixtureRow[] = [];
  let referenceNll: Record<string, number> = {};
  let mnistRows: readonly MnistRow[] = [];
  let classifierAccuracy = NaN;
  let mnistSkipped: readonly string[] = [];
  let mnistError: string | null = only !== undefined && only !== 'mnist' ? `not part of this run (only: ${only})` : null;
  // The report is rewritten after every model, so an interrupted run still leaves its numbers.
  const writeReport = (finished: boolean) =>
    writeFileSync(
      reportPath,
      renderReport({
        preset, seed, backend, command, mixtureRows, referenceNll, mnistRows, mnistSkipped, classifierAccuracy,
        mnistError: finished ? mnistError : mnistError ?? (only === 'mnist' || only === undefined ? 'still running (partial report)' : null),
        totalSeconds: (performance.now() - started) / 1000, startedAt,
      }) + (finished ? '' : '\n_Partial report: the run was still going when this was written._\n'),
    );
  if (only !== 'mnist') {
    const mixtures = only === 'ring-8' || only === 'grid-25' ? [only] : undefined;
    const mixture = await runMixtureStudy(preset, outDir, seed, log, {
      mixtures,
      onRow: (rows, reference) => {
        mixtureRows = [...rows];
        referenceNll = { ...reference };
        writeReport(false);
      },
    });
    mixtureRows = mixture.rows;
    referenceNll = mixture.referenceNll;
  }
  if (only === undefined || only === 'mnist') {
    try {
      const mnist = await runMnistStudy(preset, outDir, seed, log, (rows, accuracy) => {
        mnistRows = [...rows];
        classifierAccuracy = accuracy;
        writeReport(false);
      });
      mnistRows = mnist.rows;
      mnistSkipped = mnist.skipped;
      classifierAccuracy = mnist.classifierAccuracy;
    } catch (error) {
      mnistError = error instanceof Error ? error.message : String(error);
      log(`[mnist] failed: ${mnistError}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  writeReport(true);
  const resultsPath = join(outDir, 'results.json');
  writeFileSync(resultsPath, JSON.stringify({ preset: preset.name, seed, backend, seconds, startedAt, command, mixture: mixtureRows, referenceNll, mnist: mnistRows, mnistSkipped, mnistError }, null, 2));
  const figures = [...mixtureRows.flatMap((r) => [r.scatterFile, r.lossFile]), ...mnistRows.flatMap((r) => [r.gridFile, r.lossFile])].map((f) => join(outDir, f));
  log(`tfgen compare: done in ${seconds.toFixed(0)} s; report ${reportPath}`);
  return { reportPath, resultsPath, figures, mixtureRows: [...mixtureRows], mnistRows: [...mnistRows], seconds, backend };
}
