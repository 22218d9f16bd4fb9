import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError, Rng, Trainer, type FitSummary, type TrainerCallback } from '@tfgen/core';
import { FileCheckpointStore, jsonlFileLog, readCheckpointFile, sampleImageFiles, stopOnSignal, writePng } from '@tfgen/core/node';
import { selectBackend, type BackendChoice } from './backend';
import { describeConfig, parseTrainConfig, type TrainConfig, type TrainConfigInput } from './config';
import { writeLossCurve } from './loss-plot';
import { cliProgressCallback, type ProgressMode } from './progress';
import { buildRun, loadData, type BuiltRun, type CliData, type CliModel } from './registry';
import { RunFolder } from './run-folder';
import { scatterPlot } from './scatter-plot';
import { writeWav } from './wav';

/** Options of {@link runTrain} and {@link resumeRun}. */
export interface TrainOptions {
  /** Progress display (default `auto`: a bar on a TTY, plain lines in CI and pipes). */
  readonly progress?: ProgressMode;
  /** Where messages go (default stdout lines). */
  readonly log?: (line: string) => void;
  /** Stop cleanly on SIGINT/SIGTERM: finish the step, write a checkpoint, return `stopped` (default true). */
  readonly handleSignals?: boolean;
  /** Prefix of progress lines (the demo labels its runs). */
  readonly label?: string;
  /** Overwrite a run folder that already holds a run (default false: refuse). */
  readonly force?: boolean;
}

/** What a finished (or stopped) training command reports. */
export interface TrainResult {
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly backend: BackendChoice;
  readonly summary: FitSummary;
  readonly files: { readonly config: string; readonly metrics: string; readonly checkpoint: string; readonly samples: string; readonly lossCurve: string };
}

/** Points drawn for each scatter sheet of a 2D run. */
export const SCATTER_SAMPLES = 1000;

/** Scatter PNGs of 2D samples over the true modes, `samples/step-000500.png`, with a fixed sampling seed. */
export function scatterSamplesCallback(directory: string, every: number, data: CliData): TrainerCallback {
  let last = -1;
  const draw = (step: number, model: CliModel) => {
    last = step;
    writeScatter(path.join(directory, `step-${String(step).padStart(6, '0')}.png`), model, data);
  };
  return {
    onTrainBegin: () => {
      last = -1;
    },
    onStepEnd: (step, _metrics, info) => {
      if (step % every === 0) draw(step, info.model as CliModel);
    },
    onTrainEnd: (summary, info) => {
      if (summary.stepsThisRun > 0 && last !== summary.steps && summary.stopReason !== 'failed') draw(summary.steps, info.model as CliModel);
    },
  };
}

/** Draws `count` points from a 2D model (fixed seed `samples`) and writes their scatter plot over the true modes. */
export function writeScatter(filePath: string, model: CliModel, data: CliData, count = SCATTER_SAMPLES, seed: number | string = 'samples'): Float32Array {
  const samples = model.sample(count, new Rng(seed));
  const points = samples.dataSync() as Float32Array;
  samples.dispose();
  writePng(filePath, scatterPlot(points, { centers: data.mixture?.centers, std: data.mixture?.std }));
  return points;
}

/** Short WAV clips from an audio model, `samples/step-000500.wav` (fixed sampling seed), every `every` steps and at the end. */
export function audioSamplesCallback(directory: string, every: number, sampleRate: number): TrainerCallback {
  let last = -1;
  const write = (step: number, model: CliModel) => {
    last = step;
    const clip = model.sample(1, new Rng('samples'));
    try {
      writeWav(path.join(directory, `step-${String(step).padStart(6, '0')}.wav`), clip.dataSync(), sampleRate);
    } finally {
      clip.dispose();
    }
  };
  return {
    onTrainBegin: () => {
      last = -1;
    },
    onStepEnd: (step, _metrics, info) => {
      if (step % every === 0) write(step, info.model as CliModel);
    },
    onTrainEnd: (summary, info) => {
      if (summary.stepsThisRun > 0 && last !== summary.steps && summary.stopReason !== 'failed') write(summary.steps, info.model as CliModel);
    },
  };
}

function samplesCallback(config: TrainConfig, run: RunFolder, data: CliData): TrainerCallback | null {
  if (config.sampleCount === 0) return null;
  if (data.kind === 'points') return scatterSamplesCallback(run.samplesDir, config.sampleEvery, data);
  if (data.kind === 'audio') return audioSamplesCallback(run.samplesDir, config.sampleEvery, data.audio!.sampleRate);
  const count = config.sampleCount ?? (config.model === 'pixelcnn' ? 16 : 64);
  return sampleImageFiles(run.samplesDir, { every: config.sampleEvery, count, columns: Math.ceil(Math.sqrt(count)), range: '[-1,1]' });
}

function defaultLog(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Trains a model from a config into its run folder (`config.out`): writes config.json,
 * metrics.jsonl, a checkpoint every `checkpointEvery` steps (and on Ctrl-C and at the end),
 * sample sheets every `sampleEvery` steps, and loss-curve.svg at the end.
 *
 * @example
 * const { summary, files } = await runTrain({ model: 'mlp-gan', dataset: 'ring', out: 'runs/ring', steps: 2000 });
 */
export async function runTrain(input: TrainConfigInput | TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const config = parseTrainConfig(input);
  const run = new RunFolder(config.out);
  if (run.hasCheckpoint() && !options.force) {
    throw new ArgumentError('--out', 'a new or empty run folder', run.dir, 'it already holds a run: continue it with `tfgen resume <dir>`, or pass --force to start over');
  }
  if (options.force) {
    for (const file of [run.metricsFile, run.checkpointFile, `${run.checkpointFile}.prev`, run.lossCurveFile]) fs.rmSync(file, { force: true });
    fs.rmSync(run.samplesDir, { recursive: true, force: true });
  }
  return train(config, run, false, options);
}

/**
 * Continues the run in `runDir` from its checkpoint, up to `steps` total (default: the
 * config's). With the same seed the continued run matches an uninterrupted one step for step.
 */
export async function resumeRun(runDir: string, overrides: { steps?: number } = {}, options: TrainOptions = {}): Promise<TrainResult> {
  const run = new RunFolder(runDir);
  let config = run.readConfig();
  if (!run.hasCheckpoint()) throw new ArgumentError('run folder', 'a run with a checkpoint to resume', run.dir, `${run.checkpointFile} not found`);
  if (overrides.steps !== undefined) config = parseTrainConfig({ ...config, steps: overrides.steps }, 'resume');
  config = { ...config, out: run.dir };
  const saved = readCheckpointFile(run.checkpointFile);
  run.truncateMetricsAfter(saved.step);
  return train(config, run, true, options);
}

async function train(config: TrainConfig, run: RunFolder, resume: boolean, options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? defaultLog;
  const backend = await selectBackend(config.backend);
  log(`tfgen: backend ${backend.name} (${backend.reason})`);
  log(`tfgen: ${resume ? 'resuming' : 'training'} ${describeConfig(config)} -> ${run.dir}`);
  run.writeConfig(config);
  let built: BuiltRun | null = null;
  try {
    built = buildRun(config, await loadData(config));
    const trainer = new Trainer(built.model, { seed: config.seed, log: (m) => log(m) });
    const callbacks: TrainerCallback[] = [jsonlFileLog(run.metricsFile, { every: config.logEvery })];
    const progress = cliProgressCallback(options.progress ?? 'auto', { label: options.label });
    if (progress) callbacks.push(progress);
    const samples = samplesCallback(config, run, built.data);
    if (samples) callbacks.push(samples);
    const store = new FileCheckpointStore(run.checkpointFile);
    const release = options.handleSignals === false ? () => undefined : stopOnSignal(trainer, ['SIGINT', 'SIGTERM'], (m) => log(m));
    let summary: FitSummary;
    try {
      summary = await trainer.fit(built.data.iterator, {
        steps: config.steps,
        callbacks,
        checkpoint: { store, every: config.checkpointEvery },
        ...(resume ? { resumeFrom: store } : {}),
        extra: { command: process.argv.slice(2).join(' ') },
      });
    } finally {
      release();
    }
    await writeLossCurve(run.lossCurveFile, run.readMetrics(), { title: describeConfig(config) });
    const verb = summary.stopReason === 'stopped' ? `stopped at step ${summary.steps} (checkpoint saved)` : `finished ${summary.steps} steps`;
    log(`tfgen: ${verb} in ${summary.seconds.toFixed(1)} s (${summary.stepsPerSecond.toFixed(1)} steps/s); run folder ${run.dir}`);
    return {
      runDir: run.dir,
      config,
      backend,
      summary,
      files: { config: run.configFile, metrics: run.metricsFile, checkpoint: run.checkpointFile, samples: run.samplesDir, lossCurve: run.lossCurveFile },
    };
  } finally {
    built?.dispose();
  }
}
