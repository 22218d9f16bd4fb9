import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError } from '@tfgen/core';

type Activation = (x: tf.Tensor) => tf.Tensor;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: tf.relu,
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
  elu: tf.elu,
  softplus: tf.softplus,
  selu: tf.selu,
};

/** One stage of a {@link FunctionalMlp}: a dense layer (weights at `kernelIndex`, `biasIndex`) or an activation. */
type Stage =
  | { kind: 'dense'; kernelIndex: number; biasIndex: number | null; activation: Activation }
  | { kind: 'activation'; activation: Activation }
  | { kind: 'rescale'; scale: number; offset: number }
  | { kind: 'flatten' };

/**
 * A discriminator's forward pass as a pure function of explicit weight tensors,
 * `forward(weights, x)`, so weights can be unrolled (`w - lr * grad`) and still be
 * differentiated through. tfjs-layers models cannot run with substituted weights,
 * so this covers MLPs: Dense (any built-in activation), ReLU, LeakyReLU,
 * Activation, Rescaling (the unrolled-GAN preset scales its input), Flatten and
 * Input layers, in a chain. Other layers throw.
 */
export interface FunctionalMlp {
  /** The model's trainable variables, in the order `forward` expects them. */
  readonly variables: tf.Variable[];
  /** The model's output for `x` computed with `weights` (same order as `variables`), differentiable in both. */
  forward(weights: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor;
}

function activationByName(name: unknown, layer: string): Activation {
  const fn = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
  if (!fn) throw new ArgumentError(`${layer}.activation`, `one of ${Object.keys(ACTIVATIONS).join(', ')}`, name);
  return fn;
}

/** Builds the {@link FunctionalMlp} of a chain-of-Dense tfjs-layers model (Sequential, or functional without branches). */
export function functionalMlp(model: tfl.LayersModel): FunctionalMlp {
  if (!model || !Array.isArray(model.layers)) throw new ArgumentError('model', 'a tfjs-layers model', model);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ArgumentError('model', 'a single-input, single-output MLP', `${model.inputs.length} inputs, ${model.outputs.length} outputs`);
  }
  const variables: tf.Variable[] = [];
  const stages: Stage[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    switch (className) {
      case 'InputLayer':
        break;
      case 'Dense': {
        const [kernel, bias] = layer.trainableWeights;
        variables.push(kernel.read() as tf.Variable);
        const kernelIndex = variables.length - 1;
        let biasIndex: number | null = null;
        if (bias) {
          variables.push(bias.read() as tf.Variable);
          biasIndex = variables.length - 1;
        }
        stages.push({ kind: 'dense', kernelIndex, biasIndex, activation: activationByName(config.activation ?? 'linear', layer.name) });
        break;
      }
      case 'ReLU':
        if (config.maxValue != null) throw new ArgumentError(`${layer.name}.maxValue`, 'null (no cap)', config.maxValue);
        stages.push({ kind: 'activation', activation: tf.relu });
        break;
      case 'LeakyReLU': {
        const alpha = Number(config.alpha ?? 0.3);
        stages.push({ kind: 'activation', activation: (x) => tf.leakyRelu(x, alpha) });
        break;
      }
      case 'Activation':
        stages.push({ kind: 'activation', activation: activationByName(config.activation, layer.name) });
        break;
      case 'Flatten':
        stages.push({ kind: 'flatten' });
        break;
      case 'Rescaling': {
        const scale = Number(config.scale ?? 1);
        const offset = Number(config.offset ?? 0);
        if (!Number.isFinite(scale) || !Number.isFinite(offset)) {
          throw new ArgumentError(`${layer.name}.scale/offset`, 'finite numbers', [config.scale, config.offset]);
        }
        stages.push({ kind: 'rescale', scale, offset });
        break;
      }
      default:
        throw new ArgumentError(
          `model.layers[${JSON.stringify(layer.name)}]`,
          'Dense, ReLU, LeakyReLU, Activation, Rescaling, Flatten or Input (functional forward supports MLPs only)',
          className,
        );
    }
  }
  const count = variables.length;
  return {
    variables,
    forward(weights, x) {
      if (weights.length !== count) throw new ArgumentError('weights', `${count} tensors`, weights.length);
      return tf.tidy(() => {
        let h = x;
        for (const stage of stages) {
          if (stage.kind === 'dense') {
            h = tf.matMul(h as tf.Tensor2D, weights[stage.kernelIndex] as tf.Tensor2D);
            if (stage.biasIndex !== null) h = tf.add(h, weights[stage.biasIndex]);
            h = stage.activation(h);
          } else if (stage.kind === 'activation') {
            h = stage.activation(h);
          } else if (stage.kind === 'rescale') {
            h = tf.add(tf.mul(h, stage.scale), stage.offset);
          } else {
            h = tf.reshape(h, [h.shape[0], -1]);
          }
        }
        return h;
      });
    },
  };
}
