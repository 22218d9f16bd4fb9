import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; tfjs-layers (a peer dependency) registers all of
// them, from its Node build and its ES-module build alike (tfjs-core's own
// dist/register_all_gradients cannot be imported by Node: directory imports). Imported first so
// the completion below lands after the stock gradients.
import '@tensorflow/tfjs-layers';

/**
 * Second-order gradient completion for tfjs 4.22, so that `tf.grad` of a gradient (gradient
 * penalties: WGAN-GP, R1, R2, DRAGAN) works through every layer a tfgen critic uses.
 *
 * Three kinds of registrations:
 * - zero gradients for comparison and logical kernels (`Greater`, `Equal`, `LogicalAnd`, ...):
 *   LeakyReLU, SELU, PReLU, ReLU6 and global max pooling use them inside their gradients;
 * - real gradients for the gradient kernels tfjs leaves without one: `MaxPoolGrad`,
 *   `AvgPoolGrad`, `EluGrad`, `Conv2DBackpropFilter`, `ResizeNearestNeighborGrad`,
 *   `ResizeBilinearGrad`;
 * - replacements for the gradients of `Tanh`, `Sigmoid`, `Elu`, `Exp` and `Softmax`. Their stock
 *   gradients reuse the op's saved *output*, whose tape node tfjs records *before* the op's own
 *   node, so a second differentiation never reaches it and silently drops the curvature term
 *   (d/dx of (tanh'(x))^2 comes out as 0). The replacements save the input and recompute the
 *   output inside the gradient, which the tape connects. First-order values are unchanged.
 *
 * Importing `@tfgen/core` calls {@link registerSecondOrderGradients}. Call it again if something
 * re-registers tfjs' stock gradients afterwards (e.g. a late import of
 * `@tensorflow/tfjs-core/dist/register_all_gradients`); it is idempotent.
 */

/** Kernels whose gradient is zero everywhere it exists (outputs are booleans or indices). */
export const ZERO_GRADIENT_KERNELS = [
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'LogicalAnd',
  'LogicalOr',
  'LogicalNot',
  'LogicalXor',
  'IsNan',
  'IsInf',
  'IsFinite',
] as const;

type Attrs = tf.NamedAttrMap;

function zeroGradient(kernelName: string): tf.GradConfig {
  const unary = kernelName === 'LogicalNot' || kernelName.startsWith('Is');
  const inputNames = unary ? ['x'] : ['a', 'b'];
  return {
    kernelName,
    inputsToSave: inputNames,
    gradFunc: (_dy, saved) => {
      const result: Record<string, () => tf.Tensor> = {};
      inputNames.forEach((name, i) => {
        result[name] = () => tf.zerosLike(saved[i]!);
      });
      return result;
    },
  };
}

/** EluGrad(dy, y) = dy * (y > 0 ? 1 : y + 1), so d/d(dy) = EluGrad(g, y) and d/dy = g * dy where y <= 0. */
const eluGradGradient: tf.GradConfig = {
  kernelName: 'EluGrad',
  inputsToSave: ['dy', 'y'],
  gradFunc: (g, saved) => {
    const [dy, y] = saved as [tf.Tensor, tf.Tensor];
    const upstream = g as tf.Tensor;
    return {
      dy: () => tf.engine().runKernel('EluGrad', { dy: upstream, y }) as tf.Tensor,
      y: () => tf.where(tf.greater(y, 0), tf.zerosLike(y), tf.mul(upstream, dy)),
    };
  },
};

/**
 * MaxPoolGrad(dy, input, output) routes each dy value to its window's argmax; its adjoint in dy
 * gathers the upstream gradient at the same argmax positions. It is piecewise constant in
 * input/output, so their gradients are zero.
 */
const maxPoolGradGradient: tf.GradConfig = {
  kernelName: 'MaxPoolGrad',
  inputsToSave: ['dy', 'input', 'output'],
  gradFunc: (g, saved, attrs: Attrs) => {
    const [dy, input, output] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as tf.MaxPoolGradAttrs;
    return {
      dy: () =>
        tf.tidy(() => {
          // wasm's MaxPoolWithArgmax only finds positive maxima; a per-plane shift to >= 1 keeps
          // every argmax (see wasm-kernels.ts), so apply it there.
          const source = tf.getBackend() === 'wasm' ? tf.add(input, tf.add(tf.relu(tf.neg(tf.min(input, [1, 2], true))), 1)) : input;
          const { indexes } = tf.maxPoolWithArgmax(source as tf.Tensor4D, filterSize, strides, pad as 'same' | 'valid' | number, true);
          const gathered = tf.gather(tf.reshape(g as tf.Tensor, [-1]), tf.reshape(indexes, [-1]));
          return tf.reshape(gathered, dy.shape);
        }),
      input: () => tf.zerosLike(input),
      output: () => tf.zerosLike(output),
    };
  },
};

/**
 * AvgPoolGrad(dy, input) spreads each dy value over its window times 1/(filter area) (tfjs'
 * kernels use the full area, padding included); the adjoint sums the upstream gradient over the
 * same windows with the same factor: a depthwise conv with a constant filter.
 */
const avgPoolGradGradient: tf.GradConfig = {
  kernelName: 'AvgPoolGrad',
  inputsToSave: ['dy', 'input'],
  gradFunc: (g, saved, attrs: Attrs) => {
    const [, input] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
    const [filterHeight, filterWidth] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
    return {
      dy: () =>
        tf.tidy(() => {
          const channels = input.shape[3];
          const weights = tf.fill([filterHeight, filterWidth, channels, 1], 1 / (filterHeight * filterWidth));
          return tf.depthwiseConv2d(g as tf.Tensor4D, weights as tf.Tensor4D, strides, pad as 'same' | 'valid' | number);
        }),
      input: () => tf.zerosLike(input),
    };
  },
};

/** Conv2DBackpropFilter(x, dy) is bilinear: d/dx = Conv2DBackpropInput(dy, g), d/d(dy) = conv2d(x, g). */
const conv2dBackpropFilterGradient: tf.GradConfig = {
  kernelName: 'Conv2DBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (g, saved, attrs: Attrs) => {
    const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    return {
      x: () =>
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy, filter: g as tf.Tensor },
          { strides, pad, dataFormat, dimRoundingMode, inputShape: x.shape } as unknown as Attrs,
        ) as tf.Tensor,
      dy: () =>
        tf.engine().runKernel(
          'Conv2D',
          { x, filter: g as tf.Tensor },
          { strides, pad, dataFormat, dilations: 1, dimRoundingMode } as unknown as Attrs,
        ) as tf.Tensor,
    };
  },
};

/** Resize gradients are linear in dy; their adjoint is the forward resize with the same settings. */
function resizeGradGradient(kernelName: 'ResizeNearestNeighborGrad' | 'ResizeBilinearGrad'): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['images', 'dy'],
    gradFunc: (g, saved, attrs: Attrs) => {
      const [images, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
      const size: [number, number] = [dy.shape[1], dy.shape[2]];
      const resize = kernelName === 'ResizeNearestNeighborGrad' ? tf.image.resizeNearestNeighbor : tf.image.resizeBilinear;
      return {
        images: () => tf.zerosLike(images),
        dy: () => resize(g as tf.Tensor4D, size, alignCorners, halfPixelCenters),
      };
    },
  };
}

/** Replacement gradients that save the input (connected on the tape) instead of the output. */
const inputSavingGradients: tf.GradConfig[] = [
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(x)))) };
    },
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return {
        x: () => {
          const y = tf.sigmoid(x);
          return tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y)));
        },
      };
    },
  },
  {
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.engine().runKernel('EluGrad', { dy: dy as tf.Tensor, y: tf.elu(x) }) as tf.Tensor };
    },
  },
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) };
    },
  },
  {
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy, saved, attrs: Attrs) => {
      const [logits] = saved as [tf.Tensor];
      const { dim } = attrs as unknown as tf.SoftmaxAttrs;
      return {
        logits: () => {
          const y = tf.softmax(logits, dim);
          const dyTimesY = tf.mul(dy as tf.Tensor, y);
          return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
        },
      };
    },
  },
];

/** Kernels whose stock tfjs gradient {@link registerSecondOrderGradients} replaces (see the module note). */
export const REPLACED_GRADIENT_KERNELS = inputSavingGradients.map((config) => config.kernelName);

const addedGradients: tf.GradConfig[] = [
  ...ZERO_GRADIENT_KERNELS.map(zeroGradient),
  eluGradGradient,
  maxPoolGradGradient,
  avgPoolGradGradient,
  conv2dBackpropFilterGradient,
  resizeGradGradient('ResizeNearestNeighborGrad'),
  resizeGradGradient('ResizeBilinearGrad'),
];

/** Kernels that get a gradient only where tfjs has none. */
export const ADDED_GRADIENT_KERNELS = addedGradients.map((config) => config.kernelName);

/**
 * Registers the second-order gradient completion described in this module. Idempotent; returns
 * the kernel names whose gradient it (re-)registered on this call.
 *
 * Example (a gradient penalty through LeakyReLU and average pooling):
 * ```ts
 * registerSecondOrderGradients(); // done when @tfgen/core is imported
 * const penalty = tf.grad((x) => tf.sum(tf.square(tf.grad((z) => tf.sum(critic(z)))(x))));
 * ```
 */
export function registerSecondOrderGradients(): string[] {
  const changed: string[] = [];
  for (const config of addedGradients) {
    // Never replace a gradient tfjs (or the user) already provides.
    if (tf.getGradient(config.kernelName) === undefined || tf.getGradient(config.kernelName) === null) {
      tf.registerGradient(config);
      changed.push(config.kernelName);
    }
  }
  for (const config of inputSavingGradients) {
    const current = tf.getGradient(config.kernelName);
    if (current === config) continue;
    if (current !== undefined && current !== null) {
      // Only replace tfjs' own output-saving gradient, not a user's custom one.
      if (!(current.outputsToSave ?? []).some(Boolean)) continue;
      tf.unregisterGradient(config.kernelName);
    }
    tf.registerGradient(config);
    changed.push(config.kernelName);
  }
  return changed;
}

registerSecondOrderGradients();
