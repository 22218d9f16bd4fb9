import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  Rng,
  expectInteger,
  type Batch,
  type BatchIterator,
  type JsonValue,
  type RngState,
} from '@tfgen/core';
import { muLawEncode } from './mu-law';
import { expectSameField, readState, toSeed, type SeedLike } from './seed';

/** Options of {@link audioWindows}. */
export interface AudioWindowOptions {
  /** Samples per window (the receptive field plus the samples to predict). */
  windowLength: number;
  batchSize: number;
  seed?: SeedLike;
  /** When set (e.g. 256), `batch.y` holds the windows' mu-law class ids, int32 `[batch, windowLength]`. */
  muLawLevels?: number;
  /** Nominal epoch length; default: as many batches as cover the signal once. */
  batchesPerEpoch?: number;
}

/**
 * An infinite, seeded, resumable stream of random windows of a 1-D signal, for WaveNet-style
 * training: `x` is float32 `[batch, windowLength, 1]` in [-1, 1], and with `muLawLevels`
 * `y` is the same window quantized to mu-law classes.
 *
 * @example
 * const it = audioWindows(sineMixture({ sampleRate: 8000, seconds: 2, frequencies: [440] }),
 *   { windowLength: 1024, batchSize: 8, seed: 1, muLawLevels: 256 });
 */
export function audioWindows(signal: Float32Array, options: AudioWindowOptions): BatchIterator {
  return new AudioWindowIterator(signal, options);
}

class AudioWindowIterator implements BatchIterator {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly windowLength: number;
  private readonly levels?: number;
  private readonly codes?: Int32Array;
  private readonly seed: number | string;
  private readonly rng: Rng;
  private step = 0;

  constructor(
    private readonly signal: Float32Array,
    options: AudioWindowOptions,
  ) {
    if (!(signal instanceof Float32Array) || signal.length === 0) throw new ArgumentError('signal', 'a non-empty Float32Array', signal);
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an options object', options);
    this.windowLength = expectInteger(options.windowLength, 'windowLength', 1, signal.length);
    this.batchSize = expectInteger(options.batchSize, 'batchSize', 1);
    this.batchesPerEpoch = expectInteger(
      options.batchesPerEpoch ?? Math.max(1, Math.floor(signal.length / (this.windowLength * this.batchSize))),
      'batchesPerEpoch',
      1,
    );
    if (options.muLawLevels !== undefined) {
      this.levels = expectInteger(options.muLawLevels, 'muLawLevels', 2, 65536);
      this.codes = muLawEncode(signal, this.levels);
    }
    this.seed = toSeed(options.seed);
    this.rng = new Rng(this.seed).fork('audio windows');
  }

  next(): Batch {
    const { batchSize, windowLength } = this;
    const values = new Float32Array(batchSize * windowLength);
    const labels = this.codes ? new Int32Array(batchSize * windowLength) : undefined;
    const starts = this.signal.length - windowLength + 1;
    for (let b = 0; b < batchSize; b++) {
      const start = this.rng.int(starts);
      values.set(this.signal.subarray(start, start + windowLength), b * windowLength);
      if (labels && this.codes) labels.set(this.codes.subarray(start, start + windowLength), b * windowLength);
    }
    this.step++;
    const x = tf.tensor3d(values, [batchSize, windowLength, 1]);
    return labels ? { x, y: tf.tensor2d(labels, [batchSize, windowLength], 'int32') } : { x };
  }

  getState(): JsonValue {
    return {
      kind: 'audio-windows',
      length: this.signal.length,
      windowLength: this.windowLength,
      batchSize: this.batchSize,
      seed: this.seed,
      step: this.step,
      rng: [...this.rng.getState()],
    };
  }

  setState(state: JsonValue): void {
    const saved = readState(state, 'audio-windows');
    expectSameField(saved, 'length', this.signal.length);
    expectSameField(saved, 'windowLength', this.windowLength);
    expectSameField(saved, 'batchSize', this.batchSize);
    expectSameField(saved, 'seed', this.seed);
    this.rng.setState(saved.rng as unknown as RngState);
    this.step = expectInteger(saved.step, 'state.step', 0);
  }
}
