import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError, expectInteger } from '@tfgen/core';
import { type BaseLayerArgs, type LayerShape, twoShapes, twoTensors } from './layer-utils';

/** Options of {@link ModulatedConv2D}. */
export interface ModulatedConv2DArgs extends BaseLayerArgs {
  /** Output channels. */
  filters: number;
  /** Square kernel side (odd; 'same' padding). */
  kernelSize: number;
  /** Which style row of a `[N, L, S]` styles input this layer reads (ignored for `[N, S]` styles). */
  styleIndex?: number;
  /** Divide each output channel by the norm of its modulated kernel (StyleGAN2); false for toRGB. */
  demodulate?: boolean;
}

/**
 * The StyleGAN2 modulated convolution (Karras et al. 2020): a per-example affine map of the style
 * scales the kernel's input channels, and demodulation rescales each output channel so its
 * expected variance is one. Computed without per-example kernels, as
 * `conv(x * s, W) * rsqrt(s^2 · sum_k W^2 + 1e-8)`, which is the same value (the conv is
 * linear in the input channels). Weights use the equalized-learning-rate scale
 * `1/sqrt(fan in)`. Inputs `[x, styles]` with `x` `[N, H, W, Cin]` and styles `[N, L, S]` or `[N, S]`.
 *
 * @example
 * const y = new ModulatedConv2D({ filters: 32, kernelSize: 3, styleIndex: 2 }).apply([x, styles]);
 */
export class ModulatedConv2D extends tfl.layers.Layer {
  static className = 'TfgenModulatedConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly styleIndex: number;
  readonly demodulate: boolean;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  private styleKernel!: tfl.LayerVariable;
  private styleBias!: tfl.LayerVariable;
  private inputChannels = 0;
  private styleDim = 0;

  constructor(args: ModulatedConv2DArgs) {
    super(args);
    this.filters = expectInteger(args.filters, 'ModulatedConv2D filters', 1);
    this.kernelSize = expectInteger(args.kernelSize, 'ModulatedConv2D kernelSize', 1);
    if (this.kernelSize % 2 !== 1) throw new ShapeError('ModulatedConv2D kernelSize', 'an odd size', this.kernelSize);
    this.styleIndex = expectInteger(args.styleIndex ?? 0, 'ModulatedConv2D styleIndex', 0);
    this.demodulate = args.demodulate ?? true;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const [xShape, styleShape] = twoShapes(inputShape, this.name);
    if (xShape.length !== 4) throw new ShapeError(`${this.name} x`, 'rank 4 [N, H, W, C]', xShape);
    if (styleShape.length === 3 && (styleShape[1] as number) <= this.styleIndex) {
      throw new ShapeError(`${this.name} styles`, `at least ${this.styleIndex + 1} style rows`, styleShape);
    }
    this.inputChannels = xShape[3] as number;
    this.styleDim = styleShape[styleShape.length - 1] as number;
    const k = this.kernelSize;
    const unit = tfl.initializers.randomNormal({ mean: 0, stddev: 1 });
    this.kernel = this.addWeight('kernel', [k, k, this.inputChannels, this.filters], 'float32', unit);
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.styleKernel = this.addWeight('style_kernel', [this.styleDim, this.inputChannels], 'float32', unit);
    this.styleBias = this.addWeight('style_bias', [this.inputChannels], 'float32', tfl.initializers.ones());
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const [xShape] = twoShapes(inputShape, this.name);
    return [xShape[0], xShape[1], xShape[2], this.filters];
  }

  /** The per-example input-channel scales `s` (`[N, Cin]`) of a styles tensor. */
  styleScales(styles: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const style = styles.rank === 3 ? tf.squeeze(tf.slice(styles, [0, this.styleIndex, 0], [-1, 1, -1]), [1]) : styles;
      const scaledKernel = tf.mul(this.styleKernel.read(), 1 / Math.sqrt(this.styleDim));
      return tf.add(tf.matMul(style as tf.Tensor2D, scaledKernel as tf.Tensor2D), this.styleBias.read()) as tf.Tensor2D;
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, styles] = twoTensors(inputs, this.name, 'x, styles');
      const scales = this.styleScales(styles);
      const batch = x.shape[0];
      const weight = tf.mul(this.kernel.read(), 1 / Math.sqrt(this.kernelSize * this.kernelSize * this.inputChannels));
      const modulated = tf.mul(x, tf.reshape(scales, [batch, 1, 1, this.inputChannels]));
      let y: tf.Tensor = tf.conv2d(modulated as tf.Tensor4D, weight as tf.Tensor4D, 1, 'same');
      if (this.demodulate) {
        const kernelEnergy = tf.sum(tf.square(weight), [0, 1]); // [Cin, Cout]
        const energy = tf.matMul(tf.square(scales), kernelEnergy as tf.Tensor2D); // [N, Cout]
        y = tf.mul(y, tf.reshape(tf.rsqrt(tf.add(energy, 1e-8)), [batch, 1, 1, this.filters]));
      }
      return tf.add(y, this.bias.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      styleIndex: this.styleIndex,
      demodulate: this.demodulate,
    };
  }
}
tf.serialization.registerClass(ModulatedConv2D);
