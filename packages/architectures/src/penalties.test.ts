import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '@tfgen/core';
import { gradientPenalty, r1Penalty } from '@tfgen/strategies';
import { describe, expect, it } from 'vitest';
import { dcgan } from './dcgan';
import { styleGan } from './style-gan';

const normal = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);

/**
 * Checks that a penalty's gradient with respect to the critic's weights (a second-order gradient
 * through the whole critic) matches a central finite difference along a random weight direction.
 */
function checkPenaltyGradient(critic: tfl.LayersModel, penalty: () => tf.Scalar, weightScale: number) {
  // Small initial weights (DCGAN's N(0, 0.02)) make input gradients ~1e-3 and the penalty ~1e-6, below what
  // float32 finite differences resolve; scaling every weight brings the penalty to a measurable size.
  critic.setWeights(critic.getWeights().map((w) => tf.mul(w, weightScale)));
  const variables = critic.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const rng = new Rng(11);
  // A relative direction: each weight moves in proportion to its tensor's spread (biases start at 0: 0.05).
  const direction = variables.map((v) => {
    const spread = tf.tidy(() => Math.sqrt(tf.moments(v).variance.dataSync()[0])) || 0.05;
    return tf.tensor(rng.normalArray(v.size, 0, spread), v.shape);
  });
  const { value, grads } = tf.variableGrads(penalty, variables);
  // Weights the penalty does not depend on (e.g. the last bias: it shifts D but not its input gradient) get no gradient.
  const analytic = tf.tidy(() =>
    tf.addN(variables.map((v, i) => (grads[v.name] ? tf.sum(tf.mul(grads[v.name], direction[i])) : tf.scalar(0)))).dataSync()[0],
  );
  const originals = variables.map((v) => tf.clone(v));
  const at = (epsilon: number) => {
    variables.forEach((v, i) => v.assign(tf.tidy(() => tf.add(originals[i], tf.mul(direction[i], epsilon)))));
    return tf.tidy(() => penalty().dataSync()[0]);
  };
  // Small enough that (almost) no LeakyReLU unit changes side: the input gradient of a piecewise-linear
  // critic jumps where one does, so a difference across a kink says nothing about the derivative.
  const epsilon = 1e-4;
  const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
  variables.forEach((v, i) => v.assign(originals[i]));
  expect(Number.isFinite(value.dataSync()[0])).toBe(true);
  expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
  expect(Math.abs(analytic - numeric)).toBeLessThan(0.01 * Math.abs(numeric));
  tf.dispose([value, ...Object.values(grads).filter(Boolean), ...direction, ...originals]);
}

describe('critics under gradient penalties (second-order gradients through the architecture)', () => {
  it('WGAN-GP through the criticSafe DCGAN critic matches finite differences', () => {
    const { discriminator } = dcgan({ imageShape: [28, 28, 1], width: 2, criticSafe: true, seed: 3 });
    const rng = new Rng(1);
    const real = normal(rng, [2, 28, 28, 1]);
    const fake = normal(rng, [2, 28, 28, 1]);
    checkPenaltyGradient(discriminator, () =>
      // target 0: the penalty is mean ||grad||^2, whose float32 finite differences resolve (with target 1 they drown in rounding).
      gradientPenalty({ critic: (x) => discriminator.apply(x, { training: true }) as tf.Tensor, real, fake, rng: 5, target: 0 }),
      10,
    );
  });

  it('R1 through the StyleGAN residual discriminator (minibatch stddev, Downsample2x) matches finite differences', () => {
    const { discriminator } = styleGan({ imageShape: [8, 8, 1], width: 2, latentDim: 2, styleDim: 2, mappingLayers: 1, stddevGroupSize: 2, seed: 3 });
    const real = normal(new Rng(2), [2, 8, 8, 1]);
    checkPenaltyGradient(discriminator, () => r1Penalty({ critic: (x) => discriminator.apply(x, { training: true }) as tf.Tensor, real }), 3);
  });
});
