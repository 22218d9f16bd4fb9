import * as tf from '@tensorflow/tfjs-core';
import { expectInteger, expectNumber, expectOneOf } from '@tfgen/core';

/** How the discriminator is unrolled. */
export interface UnrollOptions {
  /** Number of unrolled discriminator updates k (Metz et al. used 5-10 on the 2D mixtures). */
  steps: number;
  /** Step size of the unrolled updates (>= 0). */
  learningRate: number;
  /** Update rule of the unrolled steps: plain SGD, or Adam started from zero moments (default `sgd`). */
  optimizer?: 'sgd' | 'adam';
  beta1?: number;
  beta2?: number;
}

/**
 * Unrolls `steps` discriminator updates from `weights`: `w_{i+1} = w_i - lr * grad L_D(w_i)`
 * (or Adam's update), returning `w_k`. Called inside a gradient tape (as the GAN step
 * does for the generator's loss), the result is differentiable through every unrolled
 * update, the second-order term included (Metz et al. 2016, eq. 12: the generator sees
 * how D would react). Called outside a tape, the result is a constant (the first-order
 * "surrogate" variant). The weights passed in are not changed.
 */
export function unrollDiscriminator(
  weights: readonly tf.Tensor[],
  discriminatorLoss: (weights: tf.Tensor[]) => tf.Scalar,
  options: UnrollOptions,
): tf.Tensor[] {
  const steps = expectInteger(options?.steps, 'unrolled.steps', 1);
  // 0 is allowed (the weights come back unchanged): a scheduled discriminator rate can decay to 0.
  const lr = expectNumber(options.learningRate, 'unrolled.learningRate', 0);
  const rule = expectOneOf(options.optimizer ?? 'sgd', 'unrolled.optimizer', ['sgd', 'adam'] as const);
  const beta1 = expectNumber(options.beta1 ?? 0.5, 'unrolled.beta1', 0, 1);
  const beta2 = expectNumber(options.beta2 ?? 0.999, 'unrolled.beta2', 0, 1);
  return tf.tidy(() => {
    let current = weights.slice() as tf.Tensor[];
    let m = current.map((w) => tf.zerosLike(w));
    let v = current.map((w) => tf.zerosLike(w));
    for (let t = 1; t <= steps; t++) {
      const grads = tf.grads((...ws: tf.Tensor[]) => discriminatorLoss(ws))(current);
      if (rule === 'sgd') {
        current = current.map((w, i) => tf.sub(w, tf.mul(lr, grads[i])));
      } else {
        m = m.map((mi, i) => tf.add(tf.mul(beta1, mi), tf.mul(1 - beta1, grads[i])));
        v = v.map((vi, i) => tf.add(tf.mul(beta2, vi), tf.mul(1 - beta2, tf.square(grads[i]))));
        const c1 = 1 - beta1 ** t;
        const c2 = 1 - beta2 ** t;
        current = current.map((w, i) => tf.sub(w, tf.mul(lr / c1, tf.div(m[i], tf.add(tf.sqrt(tf.add(tf.div(v[i], c2), 1e-16)), 1e-8)))));
      }
    }
    return current;
  });
}
