import * as path from 'node:path';
import { ArgumentError, Rng, expectInteger, expectNumber } from '@tfgen/core';
import { writeImageGrid } from '@tfgen/core/node';
import type { BackendName } from './config';
import { CliWaveNet } from './registry';
import { loadRun } from './run-model';
import { writeScatter } from './train';
import { writeWav } from './wav';

/** Options of {@link runSample}. */
export interface SampleOptions {
  /**
   * Samples to draw: images (default 64; class-conditional: per class, default 8), points (default
   * 1000) or WAV clips (default 1).
   */
  readonly count?: number;
  /** Output file (default `<run>/samples/sample-step-N.png`, or `.wav` for audio runs; clip i > 0 of several gets `-i` before the extension). */
  readonly out?: string;
  /** Sampling seed (default 0). */
  readonly seed?: number;
  /** Class-conditional image models: draw only this class (default: one row per class). */
  readonly classId?: number;
  /** Audio runs: seconds per clip (default 1). */
  readonly seconds?: number;
  readonly backend?: BackendName;
}

/** What {@link runSample} wrote. */
export interface SampleResult {
  /** The (first) file written. */
  readonly file: string;
  /** Every file written (several WAV clips: one each). */
  readonly files: string[];
  readonly count: number;
  readonly step: number;
  readonly kind: 'images' | 'points' | 'audio';
}

/** `runs/x/a.wav`, clip 2 -> `runs/x/a-2.wav`. */
function clipFile(file: string, index: number): string {
  if (index === 0) return file;
  const extension = path.extname(file);
  return `${file.slice(0, file.length - extension.length)}-${index}${extension}`;
}

/**
 * Draws samples from a run's checkpoint: a scatter PNG over the true modes for 2D runs, an image
 * grid PNG for image runs (one row per class for class-conditional models), and mono 16-bit WAV
 * clips for WaveNet runs (mu-law codes decoded as in training).
 *
 * @example
 * const { file } = await runSample('runs/ring', { count: 2000 });
 * await runSample('runs/wavenet', { seconds: 2, count: 3 }); // sample-step-N.wav, -1.wav, -2.wav
 */
export async function runSample(runDir: string, options: SampleOptions = {}): Promise<SampleResult> {
  const loaded = await loadRun(runDir, options.backend);
  try {
    const kind = loaded.data.kind;
    const seed = expectInteger(options.seed ?? 0, '--seed', 0);
    const stepName = `sample-step-${String(loaded.step).padStart(6, '0')}`;
    const conditional = loaded.numClasses !== undefined;
    if (options.classId !== undefined && !conditional) {
      throw new ArgumentError('--class', `left out for model ${JSON.stringify(loaded.config.model)} (class-conditional models only: cgan-concat, acgan, cgan-projection)`, options.classId);
    }
    if (options.seconds !== undefined && kind !== 'audio') {
      throw new ArgumentError('--seconds', `left out for model ${JSON.stringify(loaded.config.model)} (audio models only: wavenet)`, options.seconds);
    }
    if (kind === 'audio') {
      const count = expectInteger(options.count ?? 1, '--count', 1, 100);
      const seconds = expectNumber(options.seconds ?? 1, '--seconds', 0, 600, true);
      const { sampleRate } = loaded.data.audio!;
      const length = Math.max(1, Math.round(seconds * sampleRate));
      const file = path.resolve(options.out ?? path.join(loaded.run.samplesDir, `${stepName}.wav`));
      if (path.extname(file).toLowerCase() !== '.wav') throw new ArgumentError('--out', 'a file name ending in .wav for an audio run', options.out);
      const clips = (loaded.model as CliWaveNet).sampleAudio(count, length, new Rng(seed));
      const values = clips.dataSync() as Float32Array;
      clips.dispose();
      const files = Array.from({ length: count }, (_, i) => clipFile(file, i));
      files.forEach((name, i) => writeWav(name, values.subarray(i * length, (i + 1) * length), sampleRate));
      return { file, files, count, step: loaded.step, kind };
    }
    const file = path.resolve(options.out ?? path.join(loaded.run.samplesDir, `${stepName}.png`));
    if (kind === 'points') {
      const count = expectInteger(options.count ?? 1000, '--count', 1, 100_000);
      writeScatter(file, loaded.model, loaded.data, count, seed);
      return { file, files: [file], count, step: loaded.step, kind };
    }
    const count = conditional ? expectInteger(options.count ?? 8, '--count', 1, 10_000) : expectInteger(options.count ?? 64, '--count', 1, 100_000);
    let labels: number[] | undefined;
    let columns = Math.ceil(Math.sqrt(count));
    if (conditional && options.classId !== undefined) {
      const classId = expectInteger(options.classId, '--class', 0, loaded.numClasses! - 1);
      labels = Array.from({ length: count }, () => classId);
    } else if (conditional) {
      // One row of `count` per class.
      labels = Array.from({ length: loaded.numClasses! * count }, (_, i) => Math.floor(i / count));
      columns = count;
    }
    const images = loaded.model.sample(labels?.length ?? count, new Rng(seed), labels);
    try {
      writeImageGrid(file, images, { columns, range: '[-1,1]' });
    } finally {
      images.dispose();
    }
    return { file, files: [file], count: labels?.length ?? count, step: loaded.step, kind };
  } finally {
    loaded.dispose();
  }
}
