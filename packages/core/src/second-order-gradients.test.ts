import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { Rng, withSeededRandom } from './random';
import { registerCpuKernelFixes } from './cpu-kernel-fixes';
import {
  ADDED_GRADIENT_KERNELS,
  REPLACED_GRADIENT_KERNELS,
  ZERO_GRADIENT_KERNELS,
  registerSecondOrderGradients,
} from './second-order-gradients';

// The stock gradients were imported above, after this module's own import-time registration:
// re-apply (exactly what an app must do if it imports the stock gradients late).
registerSecondOrderGradients();
registerCpuKernelFixes();

type Critic = tfl.Sequential;

/** f(x) = sum_i ||grad_x D(x)_i||^2, the gradient-penalty shape (as WGAN-GP / R1 use it). */
function penalty(critic: Critic, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(critic.apply(input, { training: true }) as tf.Tensor))(x);
    return tf.sum(tf.square(gradient));
  });
}

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

interface Check {
  /** max over directions of |analytic - finite difference| / (||analytic gradient|| * ||direction||) */
  inputError: number;
  weightError: number;
  inputGradientNorm: number;
  weightGradientNorm: number;
}

/**
 * Compares tf.grad / tf.variableGrads of the penalty with central finite differences (float32)
 * along random unit directions, in the input and in all trainable weights at once. The steps
 * balance rounding noise against crossing kinks (ELU's second derivative, max-pool argmax):
 * correct gradients give errors below ~1e-3, a dropped or wrong term gives > 5e-2.
 */
function unit(values: Float32Array): Float32Array {
  const length = norm(values);
  return values.map((v) => v / length);
}

function checkPenaltyGradients(critic: Critic, xValues: Float32Array, xShape: number[], seed: string, inputEpsilon = 2e-3, weightEpsilon = 5e-4): Check {
  const rng = new Rng(seed);
  const x = tf.tensor(xValues, xShape);
  const weights = critic.trainableWeights.map((w) => w.read());
  const originals = weights.map((w) => w.dataSync().slice() as Float32Array);

  const inputGradient = tf.tidy(() => tf.grad((input: tf.Tensor) => penalty(critic, input))(x).dataSync().slice() as Float32Array);
  const { value: penaltyValue, grads } = tf.variableGrads(() => penalty(critic, x));
  penaltyValue.dispose();
  // A weight the penalty does not depend on (the last bias) gets no entry: its gradient is zero,
  // which the finite differences below confirm.
  const weightGradients = critic.trainableWeights.map((w) => {
    const g = grads[(w.read() as tf.Variable).name];
    return g === undefined ? new Float32Array((w.shape as number[]).reduce((a, b) => a * b, 1)) : (g.dataSync().slice() as Float32Array);
  });
  tf.dispose(Object.values(grads));

  let inputError = 0;
  for (let k = 0; k < 3; k++) {
    const direction = unit(rng.normalArray(xValues.length));
    const shifted = (sign: number) => {
      const values = xValues.map((v, i) => v + sign * inputEpsilon * direction[i]!);
      return tf.tidy(() => value(penalty(critic, tf.tensor(values, xShape))));
    };
    const finite = (shifted(1) - shifted(-1)) / (2 * inputEpsilon);
    const analytic = dot(inputGradient, direction);
    inputError = Math.max(inputError, Math.abs(analytic - finite) / (norm(inputGradient) * norm(direction)));
  }

  let weightError = 0;
  const allWeightGradients = concat(weightGradients);
  for (let k = 0; k < 3; k++) {
    const total = Math.sqrt(originals.reduce((n, o) => n + o.length, 0));
    const directions = originals.map((o) => rng.normalArray(o.length).map((v) => v / total));
    const shifted = (sign: number) => {
      tf.tidy(() =>
        critic.trainableWeights.forEach((w, j) => {
          const moved = originals[j]!.map((v, i) => v + sign * weightEpsilon * directions[j]![i]!);
          w.write(tf.tensor(moved, w.shape as number[]));
        }),
      );
      return value(penalty(critic, x));
    };
    const finite = (shifted(1) - shifted(-1)) / (2 * weightEpsilon);
    tf.tidy(() => critic.trainableWeights.forEach((w, j) => w.write(tf.tensor(originals[j]!, w.shape as number[]))));
    const analytic = dot(allWeightGradients, concat(directions));
    weightError = Math.max(weightError, Math.abs(analytic - finite) / (norm(allWeightGradients) * norm(concat(directions))));
  }
  x.dispose();
  return { inputError, weightError, inputGradientNorm: norm(inputGradient), weightGradientNorm: norm(allWeightGradients) };
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

const imageShape = [2, 6, 6, 2];

/** A small image critic: conv 3x3 -> the layers under test -> flatten -> dense 1. */
function imageCritic(seed: string, middle: () => tfl.layers.Layer[]): Critic {
  return withSeededRandom(new Rng(seed), () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', inputShape: imageShape.slice(1) }),
        ...middle(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    }),
  );
}

const layerCases: [string, () => Critic, number[]?][] = [
  ['LeakyReLU', () => imageCritic('leaky', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.conv2d({ filters: 2, kernelSize: 3 }), tfl.layers.leakyReLU({ alpha: 0.2 })])],
  ['ELU', () => imageCritic('elu', () => [tfl.layers.elu()])],
  ['SELU', () => imageCritic('selu', () => [tfl.layers.activation({ activation: 'selu' })])],
  ['tanh', () => imageCritic('tanh', () => [tfl.layers.activation({ activation: 'tanh' })])],
  ['sigmoid', () => imageCritic('sigmoid', () => [tfl.layers.activation({ activation: 'sigmoid' })])],
  ['layerNormalization', () => imageCritic('ln', () => [tfl.layers.layerNormalization(), tfl.layers.activation({ activation: 'softplus' })])],
  ['batchNormalization', () => imageCritic('bn', () => [tfl.layers.batchNormalization(), tfl.layers.activation({ activation: 'softplus' })])],
  ['maxPooling2d', () => imageCritic('maxpool', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.maxPooling2d({ poolSize: 2 })])],
  ['averagePooling2d valid', () => imageCritic('avgpool', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.averagePooling2d({ poolSize: 2 })])],
  ['averagePooling2d same, stride 2, 3x3', () => imageCritic('avgpool-same', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })])],
  ['conv2d stride 2', () => imageCritic('conv', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.conv2d({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', activation: 'softplus' })])],
  ['conv2dTranspose stride 2', () => imageCritic('convt', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', activation: 'softplus' })])],
  ['upSampling2d', () => imageCritic('upsample', () => [tfl.layers.activation({ activation: 'softplus' }), tfl.layers.upSampling2d({ size: [2, 2] }), tfl.layers.conv2d({ filters: 1, kernelSize: 3, activation: 'softplus' })])],
  [
    'dense',
    () =>
      withSeededRandom(new Rng('dense'), () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ units: 6, inputShape: [5] }),
            tfl.layers.leakyReLU({ alpha: 0.2 }),
            tfl.layers.dense({ units: 4, activation: 'elu' }),
            tfl.layers.dense({ units: 1 }),
          ],
        }),
      ),
    [3, 5],
  ],
];

describe('second-order gradients: finite-difference checks of a gradient penalty per layer type', () => {
  it.each(layerCases)('%s', (name, makeCritic, shape = imageShape) => {
    const critic = makeCritic();
    const xValues = new Rng(`x-${name}`).normalArray(shape.reduce((a, b) => a * b, 1));
    const before = tf.memory().numTensors;
    const check = checkPenaltyGradients(critic, xValues, shape, name);
    expect(tf.memory().numTensors).toBe(before);
    expect(check.inputGradientNorm).toBeGreaterThan(1e-4);
    expect(check.weightGradientNorm).toBeGreaterThan(1e-4);
    expect(check.inputError, `input direction error for ${name}`).toBeLessThan(2e-3);
    expect(check.weightError, `weight direction error for ${name}`).toBeLessThan(2e-3);
    critic.dispose();
  });
});

describe('second-order gradients: registration', () => {
  it('covers comparisons, the pooling/ELU gradient kernels and the output-saving ops', () => {
    for (const name of [...ZERO_GRADIENT_KERNELS, ...ADDED_GRADIENT_KERNELS, ...REPLACED_GRADIENT_KERNELS]) {
      expect(tf.getGradient(name), name).toBeDefined();
    }
    expect(ADDED_GRADIENT_KERNELS).toEqual(expect.arrayContaining(['MaxPoolGrad', 'AvgPoolGrad', 'EluGrad', 'Greater']));
    expect(registerSecondOrderGradients()).toEqual([]); // idempotent
  });

  it('a deliberately broken second-order gradient fails the finite-difference check', () => {
    const ours = tf.getGradient('Tanh');
    // tanh then softplus: the penalty depends on x through both curvatures.
    const critic = imageCritic('tanh-softplus', () => [
      tfl.layers.activation({ activation: 'tanh' }),
      tfl.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'softplus' }),
    ]);
    const xValues = new Rng('x-tanh').normalArray(2 * 6 * 6 * 2);
    const correct = checkPenaltyGradients(critic, xValues, imageShape, 'tanh');
    expect(correct.inputError).toBeLessThan(2e-3);
    try {
      // tfjs' stock Tanh gradient (reads the saved output: the tape drops its curvature term).
      tf.unregisterGradient('Tanh');
      tf.registerGradient({
        kernelName: 'Tanh',
        outputsToSave: [true],
        gradFunc: (dy, saved) => ({ x: () => tf.mul(tf.sub(1, tf.square(saved[0]!)), dy as tf.Tensor) }),
      });
      const broken = checkPenaltyGradients(critic, xValues, imageShape, 'tanh');
      expect(broken.inputError).toBeGreaterThan(0.05);
      // A wrong EluGrad second-order gradient (drops the d/dy term) is caught too.
      tf.unregisterGradient('EluGrad');
      tf.registerGradient({
        kernelName: 'EluGrad',
        inputsToSave: ['dy', 'y'],
        gradFunc: (g, saved) => ({
          dy: () => tf.engine().runKernel('EluGrad', { dy: g as tf.Tensor, y: saved[1]! }) as tf.Tensor,
          y: () => tf.zerosLike(saved[1]!),
        }),
      });
      const eluCritic = layerCases.find(([name]) => name === 'ELU')![1]();
      const brokenElu = checkPenaltyGradients(eluCritic, new Rng('x-ELU').normalArray(2 * 6 * 6 * 2), imageShape, 'ELU');
      expect(brokenElu.inputError).toBeGreaterThan(0.05);
      eluCritic.dispose();
    } finally {
      tf.unregisterGradient('Tanh');
      tf.registerGradient({ ...ours, outputsToSave: [true] }); // looks like a stock gradient: gets replaced
      tf.unregisterGradient('EluGrad');
      registerSecondOrderGradients();
      critic.dispose();
    }
    expect(tf.getGradient('Tanh')).toBe(ours);
  });

  it('MaxPoolGrad / AvgPoolGrad / resize gradients are exact adjoints of the first-order kernels', () => {
    const rng = new Rng('adjoint');
    const x = tf.tensor4d(rng.normalArray(2 * 7 * 7 * 3), [2, 7, 7, 3]);
    const ops: [string, (t: tf.Tensor4D) => tf.Tensor4D][] = [
      ['maxPool same', (t) => tf.maxPool(t, 3, 2, 'same')],
      ['maxPool valid', (t) => tf.maxPool(t, 2, 2, 'valid')],
      ['avgPool same', (t) => tf.avgPool(t, 3, 2, 'same')],
      ['avgPool valid', (t) => tf.avgPool(t, [2, 3], 1, 'valid')],
      // Integer scale factors (what upSampling2d uses): tfjs' own ResizeNearestNeighborGrad is not
      // the adjoint of its forward resize for fractional scales, so no second-order gradient can be.
      ['resizeNearestNeighbor x2', (t) => tf.image.resizeNearestNeighbor(t, [14, 21])],
      ['resizeBilinear', (t) => tf.image.resizeBilinear(t, [10, 5])],
    ];
    for (const [name, op] of ops) {
      tf.tidy(() => {
        const y = op(x);
        const dy = tf.tensor(rng.normalArray(y.size), y.shape);
        const g = tf.tensor(rng.normalArray(x.size), x.shape);
        // backward(dy) = vjp of op at x; its derivative in dy, applied to g, must satisfy
        // <backward(dy), g> = <dy, adjoint(g)>.
        const backward = (d: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D), d)))(x);
        const adjoint = tf.grad((d: tf.Tensor) => tf.sum(tf.mul(backward(d), g)))(dy);
        const left = tf.sum(tf.mul(backward(dy), g)).dataSync()[0]!;
        const right = tf.sum(tf.mul(dy, adjoint)).dataSync()[0]!;
        expect(Math.abs(left - right), name).toBeLessThan(1e-4 * (Math.abs(left) + 1));
      });
    }
    x.dispose();
  });

  it('Conv2DBackpropFilter has a gradient matching finite differences', () => {
    const rng = new Rng('bpf');
    const x = tf.tensor4d(rng.normalArray(1 * 5 * 5 * 2), [1, 5, 5, 2]);
    const dyValues = rng.normalArray(1 * 3 * 3 * 3);
    const g = tf.tensor4d(rng.normalArray(3 * 3 * 2 * 3), [3, 3, 2, 3]);
    const f = (dy: tf.Tensor) =>
      tf.tidy(() => {
        const df = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }) as tf.Tensor;
        return tf.sum(tf.square(tf.mul(df, g)));
      });
    const dy = tf.tensor4d(dyValues, [1, 3, 3, 3]);
    const analytic = tf.grad(f)(dy).dataSync();
    const direction = rng.normalArray(dyValues.length);
    const eps = 1e-2;
    const shifted = (s: number) => value(f(tf.tensor4d(dyValues.map((v, i) => v + s * eps * direction[i]!), [1, 3, 3, 3])) as tf.Scalar);
    const finite = (shifted(1) - shifted(-1)) / (2 * eps);
    const projected = dot(analytic as Float32Array, direction);
    expect(Math.abs(projected - finite)).toBeLessThan(2e-3 * Math.abs(finite) + 1e-3);
    tf.dispose([x, g, dy]);
  });
});
