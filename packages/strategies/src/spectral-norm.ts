import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, expectInteger, expectRank, ShapeError } from '@tfgen/core';
import { stopGradient } from './stop-gradient';

type Layer = tfl.layers.Layer;
type LayerVariable = tfl.LayerVariable;
/** Keyword arguments tfjs-layers passes to `call` (`training` among them). */
export type Kwargs = Record<string, unknown>;

/** Layer classes `spectralNorm` can wrap, and the attribute that holds their weight matrix. */
const KERNEL_ATTRIBUTE: Record<string, string> = {
  Dense: 'kernel',
  Conv1D: 'kernel',
  Conv2D: 'kernel',
  Conv2DTranspose: 'kernel',
  Embedding: 'embeddings',
};

/** The layer classes {@link spectralNorm} accepts. */
export const spectrallyNormalizableLayers: readonly string[] = Object.keys(KERNEL_ATTRIBUTE);

const EPSILON = 1e-12;

function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), EPSILON));
}

/**
 * Views a kernel as the matrix whose largest singular value is normalized:
 * `[-1, outputs]`. A `Conv2DTranspose` kernel `[kh, kw, out, in]` is transposed to
 * `[kh, kw, in, out]` first, as PyTorch does with `dim=1`.
 */
function kernelMatrix(weight: tf.Tensor, transposed: boolean): tf.Tensor2D {
  const w = transposed ? tf.transpose(weight, [0, 1, 3, 2]) : weight;
  const columns = w.shape[w.rank - 1];
  return tf.reshape(w, [-1, columns]) as tf.Tensor2D;
}

/** Result of {@link spectralNormalize}. */
export interface SpectralNormalizeResult {
  /** `weight / sigma`, same shape as `weight`; differentiable in `weight` (gradient flows through sigma). */
  normalized: tf.Tensor;
  /** The updated power-iteration vector, shape `[1, columns]`, unit norm. */
  u: tf.Tensor2D;
  /** The estimate of the largest singular value of the weight matrix (scalar). */
  sigma: tf.Scalar;
}

/**
 * Spectral normalization as a function (Miyato et al. 2018): divides `weight` by an
 * estimate of its largest singular value from `powerIterations` steps of the power
 * method started at `u`. The weight is viewed as a matrix `[-1, lastDim]`; `u` has
 * shape `[1, lastDim]`. `u` and `v` are treated as constants (no gradient), so the
 * gradient reaches `weight` both directly and through sigma, as in the paper.
 * With `powerIterations = 0` the stored `u` is used as is (inference).
 *
 * ```ts
 * const { normalized, u, sigma } = spectralNormalize(kernel, u0, 1);
 * ```
 */
export function spectralNormalize(
  weight: tf.Tensor,
  u: tf.Tensor,
  powerIterations = 1,
  options: { transposedConvolution?: boolean } = {},
): SpectralNormalizeResult {
  expectInteger(powerIterations, 'powerIterations', 0);
  expectRank(weight, 'weight', 2, 5);
  const transposed = options.transposedConvolution === true;
  if (transposed && weight.rank !== 4) {
    throw new ShapeError('weight', 'a rank-4 Conv2DTranspose kernel', weight.shape);
  }
  const columns = transposed ? weight.shape[2] : weight.shape[weight.rank - 1];
  if (u.size !== columns) {
    throw new ShapeError('u', `${columns} elements (the weight's output dimension)`, u.shape);
  }
  return tf.tidy(() => {
    const matrix = kernelMatrix(weight, transposed);
    const constant = stopGradient(matrix);
    let uVec = l2Normalize(tf.reshape(u, [columns, 1]));
    // v = normalize(W u); u = normalize(W^T v); repeated.
    let vVec = l2Normalize(tf.matMul(constant, uVec));
    for (let i = 0; i < powerIterations; i++) {
      uVec = l2Normalize(tf.matMul(constant, vVec, true, false));
      vVec = l2Normalize(tf.matMul(constant, uVec));
    }
    uVec = stopGradient(uVec);
    vVec = stopGradient(vVec);
    // sigma = v^T W u with W differentiable.
    const sigma = tf.reshape(tf.matMul(tf.matMul(vVec, matrix, true, false), uVec), []) as tf.Scalar;
    const normalized = tf.div(weight, sigma);
    return { normalized, u: tf.reshape(uVec, [1, columns]) as tf.Tensor2D, sigma };
  });
}

/** Options of {@link spectralNorm}. */
export interface SpectralNormOptions {
  /** Power-method steps per training call (default 1, as in the paper: `u` persists across steps). */
  powerIterations?: number;
  /** Name of the wrapper layer. */
  name?: string;
}

/** Constructor arguments of {@link SpectralNormalization}. */
export interface SpectralNormalizationArgs {
  layer: Layer;
  powerIterations?: number;
  name?: string;
  trainable?: boolean;
  inputShape?: tfl.Shape;
  batchInputShape?: tfl.Shape;
}

/**
 * A wrapper layer that spectrally normalizes the weight matrix of a Dense, Conv1D,
 * Conv2D, Conv2DTranspose or Embedding layer inside the forward pass: every call
 * computes `W / sigma(W)` and runs the wrapped layer with it. The power-iteration
 * vector `u` is a non-trainable weight, updated only when called with
 * `training: true` (`model.apply(x, { training: true })`, `fit`). Saved and loaded
 * with the model (`model.save`, `tf.loadLayersModel`) like any registered layer.
 * Create it with {@link spectralNorm}.
 */
export class SpectralNormalization extends tfl.layers.Layer {
  /** Registered class name used by tfjs-layers serialization. */
  static className = 'SpectralNormalization';
  /** The wrapped layer (its kernel is the raw, unnormalized weight). */
  readonly layer: Layer;
  /** Power-method steps per training call. */
  readonly powerIterations: number;
  private uVariable: LayerVariable | null = null;

  constructor(args: SpectralNormalizationArgs) {
    super({ name: args.name, trainable: args.trainable, inputShape: args.inputShape, batchInputShape: args.batchInputShape } as never);
    const className = args.layer?.getClassName?.();
    if (!className || !(className in KERNEL_ATTRIBUTE)) {
      throw new ArgumentError('layer', `a tfjs-layers layer of class ${spectrallyNormalizableLayers.join(', ')}`, className ?? args.layer);
    }
    this.layer = args.layer;
    this.powerIterations = expectInteger(args.powerIterations ?? 1, 'powerIterations', 1);
  }

  override get trainable(): boolean {
    return this.layer != null ? this.layer.trainable : false;
  }

  override set trainable(value: boolean) {
    if (this.layer != null) this.layer.trainable = value;
  }

  override get trainableWeights(): LayerVariable[] {
    return this.layer.trainableWeights;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    const own = this.uVariable ? [this.uVariable] : [];
    return [...this.layer.nonTrainableWeights, ...own];
  }

  /** The power-iteration vector (a non-trainable weight), once built. */
  get u(): LayerVariable | null {
    return this.uVariable;
  }

  private get transposedConvolution(): boolean {
    return this.layer.getClassName() === 'Conv2DTranspose';
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!this.layer.built) {
      this.layer.build(inputShape);
      this.layer.built = true;
    }
    const kernel = this.kernelVariable();
    const columns = this.transposedConvolution ? kernel.shape[2] : kernel.shape[kernel.shape.length - 1];
    if (this.uVariable == null) {
      this.uVariable = this.addWeight(
        'u',
        [1, columns as number],
        'float32',
        tfl.initializers.randomNormal({ mean: 0, stddev: 1 }),
        undefined,
        false,
      );
    }
    this.built = true;
  }

  private kernelVariable(): LayerVariable {
    const attribute = KERNEL_ATTRIBUTE[this.layer.getClassName()];
    const variable = (this.layer as unknown as Record<string, LayerVariable | null>)[attribute];
    if (variable == null) throw new ArgumentError('layer', 'a built layer with a kernel', this.layer.name);
    return variable;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const training = kwargs?.training === true;
      const attribute = KERNEL_ATTRIBUTE[this.layer.getClassName()];
      const variable = this.kernelVariable();
      const u = this.uVariable as LayerVariable;
      const { normalized, u: nextU } = spectralNormalize(variable.read(), u.read(), training ? this.powerIterations : 0, {
        transposedConvolution: this.transposedConvolution,
      });
      if (training) u.write(nextU);
      const holder = this.layer as unknown as Record<string, unknown>;
      holder[attribute] = { read: () => normalized };
      try {
        return this.layer.call(inputs, kwargs as never);
      } finally {
        holder[attribute] = variable;
      }
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const base = super.getConfig();
    return {
      ...base,
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      powerIterations: this.powerIterations,
    };
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { layer, ...rest } = config as { layer: { className: string; config: tf.serialization.ConfigDict } };
    return new cls({ ...(rest as object), layer: deserializeLayer(layer.className, layer.config) } as never);
  }
}
tf.serialization.registerClass(SpectralNormalization);

/** Rebuilds a registered tfjs-layers layer from its class name and config. */
function deserializeLayer(className: string, config: tf.serialization.ConfigDict): Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new ArgumentError('config.layer.className', 'a registered tfjs-layers class', className);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...config }) as unknown as Layer;
}

/**
 * Wraps a Dense, Conv1D, Conv2D, Conv2DTranspose or Embedding layer with spectral
 * normalization (Miyato et al. 2018). Drop it into a user's own model:
 *
 * ```ts
 * const critic = tf.sequential({ layers: [
 *   spectralNorm(tf.layers.dense({ units: 64, inputShape: [2] })),
 *   tf.layers.leakyReLU({ alpha: 0.2 }),
 *   spectralNorm(tf.layers.dense({ units: 1 })),
 * ]});
 * ```
 * The wrapper takes over the layer's `inputShape`, so a first layer keeps working.
 */
export function spectralNorm(layer: Layer, options: SpectralNormOptions = {}): SpectralNormalization {
  if (!(layer instanceof tfl.layers.Layer)) throw new ArgumentError('layer', 'a tfjs-layers Layer', layer);
  const config = layer.getConfig() as { batchInputShape?: tfl.Shape };
  return new SpectralNormalization({
    layer,
    powerIterations: options.powerIterations ?? 1,
    name: options.name,
    batchInputShape: config.batchInputShape ?? undefined,
  });
}
