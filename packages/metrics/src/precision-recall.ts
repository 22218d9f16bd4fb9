import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, expectInteger } from '@tfgen/core';
import { toSampleMatrix, type SampleInput } from './sample-matrix';

/** Result of {@link precisionRecall}. */
export interface PrecisionRecallResult {
  /** Fraction of generated points inside the real manifold estimate (sample quality). */
  readonly precision: number;
  /** Fraction of real points inside the generated manifold estimate (diversity / coverage). */
  readonly recall: number;
  readonly k: number;
  readonly realCount: number;
  readonly generatedCount: number;
}

const CHUNK = 512;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of
 * balls around its points with radius = distance to the point's k-th nearest neighbour in the
 * same set (k = 3 by default); precision is the fraction of generated points inside the real
 * manifold, recall the fraction of real points inside the generated manifold. Both depend on k
 * and on the sample sizes (larger sets give tighter balls): compare runs with equal counts, which
 * are returned. The paper used 50k points per side; pairwise distances are computed in chunks.
 *
 * @example const { precision, recall } = precisionRecall(mnist.features(real), mnist.features(fake));
 */
export function precisionRecall(real: SampleInput, generated: SampleInput, options: { k?: number } = {}): PrecisionRecallResult {
  const a = toSampleMatrix(real, 'real');
  const b = toSampleMatrix(generated, 'generated', a.cols);
  const k = expectInteger(options.k ?? 3, 'options.k', 1);
  if (a.rows <= k || b.rows <= k) {
    throw new ArgumentError(a.rows <= k ? 'real' : 'generated', `more than k = ${k} points`, Math.min(a.rows, b.rows));
  }
  const d = a.cols;
  const realT = tf.tensor2d(Float32Array.from(a.data), [a.rows, d]);
  const fakeT = tf.tensor2d(Float32Array.from(b.data), [b.rows, d]);
  try {
    const realRadii = kthNeighbourDistances(realT, k);
    const fakeRadii = kthNeighbourDistances(fakeT, k);
    return {
      precision: fractionInside(fakeT, realT, realRadii),
      recall: fractionInside(realT, fakeT, fakeRadii),
      k,
      realCount: a.rows,
      generatedCount: b.rows,
    };
  } finally {
    tf.dispose([realT, fakeT]);
  }
}

/** Squared Euclidean distances between rows of `a` [n, d] and `b` [m, d]: [n, m] (clipped at 0). */
function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
    return tf.relu(tf.add(tf.sub(aa, tf.mul(2, tf.matMul(a, b, false, true))), bb)) as tf.Tensor2D;
  });
}

/** Squared distance of each row to its k-th nearest other row of the same set. */
function kthNeighbourDistances(points: tf.Tensor2D, k: number): tf.Tensor1D {
  const n = points.shape[0];
  const parts: tf.Tensor1D[] = [];
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    parts.push(
      tf.tidy(() => {
        const rows = tf.slice(points, [start, 0], [size, -1]);
        const dist = squaredDistances(rows, points);
        // exclude each point itself: it is at distance 0, so take the (k+1)-th smallest
        const { values } = tf.topk(tf.neg(dist), k + 1);
        return tf.neg(tf.reshape(tf.slice(values, [0, k], [size, 1]), [size])) as tf.Tensor1D;
      }),
    );
  }
  const all = tf.concat(parts, 0);
  tf.dispose(parts);
  return all;
}

/** Fraction of `queries` within the radius of at least one `centers` point. Disposes `radii`. */
function fractionInside(queries: tf.Tensor2D, centers: tf.Tensor2D, radii: tf.Tensor1D): number {
  let inside = 0;
  try {
    for (let start = 0; start < queries.shape[0]; start += CHUNK) {
      const size = Math.min(CHUNK, queries.shape[0] - start);
      const hits = tf.tidy(() => {
        const dist = squaredDistances(tf.slice(queries, [start, 0], [size, -1]), centers);
        const within = tf.lessEqual(dist, tf.reshape(radii, [1, -1]));
        return tf.sum(tf.cast(tf.any(within, 1), 'float32'));
      });
      inside += hits.dataSync()[0];
      hits.dispose();
    }
  } finally {
    radii.dispose();
  }
  return inside / queries.shape[0];
}
