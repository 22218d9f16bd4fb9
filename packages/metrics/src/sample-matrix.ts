import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from '@tfgen/core';

/**
 * Points given to a metric: a `[n, d]` tensor, an array of rows, or a flat
 * row-major `Float32Array` (then the dimension comes from the caller).
 */
export type SampleInput = Float32Array | number[][] | tf.Tensor2D;

/** A dense row-major matrix on the host: `rows` points of `cols` coordinates. */
export interface SampleMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Copies `samples` into a host matrix, checking shape and finiteness.
 * `cols` is required for a flat `Float32Array`, and checked against the others when given.
 */
export function toSampleMatrix(samples: SampleInput, argument: string, cols?: number): SampleMatrix {
  let data: Float64Array;
  let rows: number;
  let width: number;
  if (samples instanceof tf.Tensor) {
    if (samples.rank !== 2) throw new ShapeError(argument, 'a rank-2 tensor [n, d]', samples.shape);
    [rows, width] = samples.shape as [number, number];
    data = Float64Array.from(samples.dataSync());
  } else if (samples instanceof Float32Array) {
    if (cols === undefined) throw new ArgumentError(argument, 'a [n, d] tensor or array of rows (a flat Float32Array needs a known dimension)', 'a Float32Array');
    if (samples.length % cols !== 0) {
      throw new ShapeError(argument, `a flat array whose length is a multiple of ${cols}`, `length ${samples.length}`);
    }
    width = cols;
    rows = samples.length / cols;
    data = Float64Array.from(samples);
  } else if (Array.isArray(samples)) {
    rows = samples.length;
    width = rows > 0 && Array.isArray(samples[0]) ? samples[0].length : (cols ?? 0);
    data = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      const row = samples[i];
      if (!Array.isArray(row) || row.length !== width) {
        throw new ShapeError(`${argument}[${i}]`, `an array of ${width} numbers`, row);
      }
      for (let j = 0; j < width; j++) data[i * width + j] = row[j];
    }
  } else {
    throw new ArgumentError(argument, 'a [n, d] tensor, an array of rows or a flat Float32Array', samples);
  }
  if (cols !== undefined && width !== cols) throw new ShapeError(argument, `points of dimension ${cols}`, `dimension ${width}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ArgumentError(`${argument}[${Math.floor(i / Math.max(width, 1))}]`, 'finite coordinates', data[i]);
    }
  }
  return { data, rows, cols: width };
}
