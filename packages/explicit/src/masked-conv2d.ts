import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, expectInteger, expectOneOf } from '@tfgen/core';

/** `A` excludes the centre pixel (first layer: a pixel must not see itself); `B` includes it (later layers). */
export type MaskType = 'A' | 'B';

/**
 * The PixelCNN causal mask for a `kernelSize` x `kernelSize` kernel: 1 above the centre row, 1 left of
 * the centre in the centre row, the centre itself only for type `B`. Shape `[k, k, 1, 1]` (broadcasts
 * over channels: causality is per pixel, channels of one pixel are predicted together).
 */
export function causalMask(kernelSize: number, maskType: MaskType): tf.Tensor4D {
  expectInteger(kernelSize, 'kernelSize', 1);
  if (kernelSize % 2 !== 1) throw new ArgumentError('kernelSize', 'an odd integer', kernelSize);
  expectOneOf(maskType, 'maskType', ['A', 'B'] as const);
  const centre = (kernelSize - 1) / 2;
  const values = new Float32Array(kernelSize * kernelSize);
  for (let r = 0; r < kernelSize; r++) {
    for (let c = 0; c < kernelSize; c++) {
      const before = r < centre || (r === centre && c < centre);
      const self = r === centre && c === centre && maskType === 'B';
      values[r * kernelSize + c] = before || self ? 1 : 0;
    }
  }
  return tf.tensor4d(values, [kernelSize, kernelSize, 1, 1]);
}

/** A masked 'same' convolution (stride 1): `conv2d(x, kernel * mask) + bias`. */
export function maskedConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | null, maskType: MaskType): tf.Tensor4D {
  return tf.tidy(() => {
    const mask = causalMask(kernel.shape[0], maskType);
    const out = tf.conv2d(x, tf.mul(kernel, mask) as tf.Tensor4D, 1, 'same');
    return (bias ? tf.add(out, bias) : out) as tf.Tensor4D;
  });
}

/** Constructor arguments of {@link MaskedConv2D}. */
export interface MaskedConv2DArgs {
  /** Output channels. */
  filters: number;
  /** Odd square kernel size. */
  kernelSize: number;
  /** `'A'` for the first layer, `'B'` after it. */
  maskType: MaskType;
  /** Add a bias, default true. */
  useBias?: boolean;
  name?: string;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
}

/**
 * A tfjs-layers masked convolution (van den Oord et al. 2016), usable in a user's `tf.sequential` and
 * serializable with `model.save` / `tf.loadLayersModel`.
 *
 * Example: `tfl.sequential({ layers: [new MaskedConv2D({ filters: 32, kernelSize: 7, maskType: 'A', inputShape: [28, 28, 1] })] })`.
 */
export class MaskedConv2D extends tfl.layers.Layer {
  static className = 'MaskedConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly maskType: MaskType;
  readonly useBias: boolean;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: MaskedConv2DArgs) {
    super(args as unknown as ConstructorParameters<typeof tfl.layers.Layer>[0]);
    this.filters = expectInteger(args.filters, 'filters', 1);
    this.kernelSize = expectInteger(args.kernelSize, 'kernelSize', 1);
    if (this.kernelSize % 2 !== 1) throw new ArgumentError('kernelSize', 'an odd integer', this.kernelSize);
    // tfjs-layers' deserialization lower-cases the first letter of string values ('A' -> 'a').
    this.maskType = expectOneOf(typeof args.maskType === 'string' ? args.maskType.toUpperCase() : args.maskType, 'maskType', ['A', 'B'] as const);
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1] as number;
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, channels, this.filters], 'float32', tfl.initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return maskedConv2d(x, this.kernel!.read() as tf.Tensor4D, this.bias ? (this.bias.read() as tf.Tensor1D) : null, this.maskType);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, maskType: this.maskType, useBias: this.useBias };
  }
}
tf.serialization.registerClass(MaskedConv2D);
