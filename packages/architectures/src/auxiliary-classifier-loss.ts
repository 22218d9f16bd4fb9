import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, expectRank } from '@tfgen/core';

/**
 * AC-GAN's auxiliary classification loss (Odena et al. 2017): mean softmax cross-entropy of the
 * discriminator's class logits `[N, K]` against int class ids `[N]` or `[N, 1]`. Both players add it
 * (D on real and fake images, G on fake images) to their adversarial losses.
 *
 * @example
 * const [logit, classLogits] = discriminator.apply(images, { training: true }) as tf.Tensor[];
 * const loss = tf.add(nonSaturating.generator(logit), auxiliaryClassifierLoss(classLogits, labels));
 */
export function auxiliaryClassifierLoss(classLogits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  expectRank(classLogits, 'classLogits', 2);
  expectRank(labels, 'labels', 1, 2);
  const n = classLogits.shape[0];
  if (labels.shape[0] !== n || (labels.rank === 2 && labels.shape[1] !== 1)) {
    throw new ShapeError('labels', `shape [${n}] or [${n}, 1] (one class id per row of classLogits)`, labels.shape);
  }
  return tf.tidy(() => {
    const ids = tf.cast(tf.reshape(labels, [n]), 'int32') as tf.Tensor1D;
    const logProbabilities = tf.logSoftmax(classLogits as tf.Tensor2D);
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(ids, classLogits.shape[1] as number)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
