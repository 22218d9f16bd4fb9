import { ArgumentError, expectInteger } from '@tfgen/core';
import { toSampleMatrix, type SampleInput } from './sample-matrix';

/** Result of {@link classifierScore}. */
export interface ClassifierScoreResult {
  /** Mean over splits of exp(E_x KL(p(y|x) || p(y))). In [1, numClasses]. */
  readonly score: number;
  /** Standard deviation over splits (0 with one split). */
  readonly std: number;
  readonly splits: number;
  readonly sampleCount: number;
}

/**
 * Classifier score, the Inception Score computed with this package's classifiers:
 * `exp(E_x[KL(p(y|x) || p(y))])` with p(y) the mean prediction of the split. It is 1 when every
 * sample gets the same prediction and `numClasses` when predictions are confident and spread
 * evenly over the classes. High = confident and diverse, blind to within-class diversity.
 * Depends on the sample size through p(y): report `sampleCount`; Salimans et al. used 10 splits of 5,000.
 *
 * @example const { score } = classifierScore(mnist.predict(fakeImages));
 */
export function classifierScore(probabilities: SampleInput, options: { splits?: number } = {}): ClassifierScoreResult {
  const p = toSampleMatrix(probabilities, 'probabilities');
  const splits = expectInteger(options.splits ?? 1, 'options.splits', 1, Math.max(1, p.rows));
  if (p.rows === 0) throw new ArgumentError('probabilities', 'at least one row', 'no rows');
  const k = p.cols;
  for (let i = 0; i < p.rows; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const v = p.data[i * k + j];
      if (v < 0) throw new ArgumentError(`probabilities[${i}]`, 'non-negative probabilities', v);
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new ArgumentError(`probabilities[${i}]`, 'a row summing to 1 (softmax output)', sum);
  }
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * p.rows) / splits);
    const end = Math.floor(((s + 1) * p.rows) / splits);
    const marginal = new Float64Array(k);
    for (let i = start; i < end; i++) for (let j = 0; j < k; j++) marginal[j] += p.data[i * k + j] / (end - start);
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let j = 0; j < k; j++) {
        const v = p.data[i * k + j];
        if (v > 0) kl += v * Math.log(v / marginal[j]);
      }
    }
    scores.push(Math.exp(kl / (end - start)));
  }
  const score = scores.reduce((a, b) => a + b, 0) / splits;
  const std = splits > 1 ? Math.sqrt(scores.reduce((a, b) => a + (b - score) ** 2, 0) / splits) : 0;
  return { score, std, splits, sampleCount: p.rows };
}
