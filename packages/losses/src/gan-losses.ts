import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tfjs-layers (a peer dependency) registers all of them in
// tfjs' global registry, in Node (CommonJS build) and in bundlers alike. A deep import of
// tfjs-core/dist/register_all_gradients would break under Node ESM (extensionless imports).
import '@tensorflow/tfjs-layers';
import { ArgumentError, ShapeError, describeValue } from '@tfgen/core';

/** The names of the built-in GAN loss pairs (keys of {@link ganLosses}). */
export type GanLossName =
  | 'minimax'
  | 'nonSaturating'
  | 'wasserstein'
  | 'hinge'
  | 'leastSquares'
  | 'relativisticAverage'
  | 'relativisticAverageHinge';

/**
 * A GAN objective as a pair of plain functions over the discriminator's raw
 * outputs (logits, critic values). Both reduce by the mean over the batch and
 * any patch axes, so `[batch]`, `[batch, 1]` and PatchGAN `[batch, h, w, 1]`
 * outputs all work; real and fake batches may differ in size but must agree on
 * the non-batch dimensions.
 *
 * @example
 * const dLoss = hinge.discriminator(D.apply(real) as tf.Tensor, D.apply(fake) as tf.Tensor);
 * const gLoss = hinge.generator(D.apply(fake) as tf.Tensor);
 */
export interface GanLoss {
  readonly name: GanLossName;
  /** Mean discriminator loss over the batch (and any patch axes). */
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar;
  /** Mean generator loss. Relativistic losses need `realLogits` too (they throw ArgumentError if it is missing). */
  generator(fakeLogits: tf.Tensor, realLogits?: tf.Tensor): tf.Scalar;
  /** True when `generator` needs the real logits (relativistic losses). */
  readonly generatorNeedsRealLogits: boolean;
}

/** Checks one logits tensor: a float tensor of rank >= 1 with at least one element. */
function checkLogits(logits: tf.Tensor | undefined, argument: string): tf.Tensor {
  if (!(logits instanceof tf.Tensor)) throw new ShapeError(argument, 'a tensor of logits', logits);
  if (logits.isDisposed) throw new ArgumentError(argument, 'a live tensor', 'a disposed tensor');
  if (logits.rank < 1) {
    throw new ShapeError(argument, 'rank >= 1 ([batch] or [batch, ...])', `rank 0 (shape [${logits.shape.join(', ')}])`);
  }
  if (logits.size === 0) throw new ShapeError(argument, 'a non-empty tensor', logits.shape);
  if (logits.dtype !== 'float32') throw new ShapeError(argument, 'dtype float32', logits.dtype);
  return logits;
}

/** Checks real and fake logits agree on every dimension after the batch axis. */
function checkPair(real: tf.Tensor | undefined, fake: tf.Tensor | undefined, realName: string, fakeName: string): void {
  const r = checkLogits(real, realName);
  const f = checkLogits(fake, fakeName);
  const sameTail = r.rank === f.rank && r.shape.every((size, i) => i === 0 || size === f.shape[i]);
  if (!sameTail) {
    throw new ShapeError(
      fakeName,
      `the same non-batch dimensions as ${realName} (shape [*, ${r.shape.slice(1).join(', ')}])`,
      f.shape,
      `${realName} has shape ${describeValue(r.shape)}`,
    );
  }
}

/** log(sigmoid(x)) = -softplus(-x), stable for any x. */
const logSigmoid = (x: tf.Tensor): tf.Tensor => tf.neg(tf.softplus(tf.neg(x)));

/** Builds a loss whose generator ignores the real logits (after validating them if given). */
function makeLoss(
  name: GanLossName,
  discriminator: (real: tf.Tensor, fake: tf.Tensor) => tf.Tensor,
  generator: (fake: tf.Tensor) => tf.Tensor,
): GanLoss {
  return Object.freeze({
    name,
    generatorNeedsRealLogits: false,
    discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
      checkPair(realLogits, fakeLogits, 'realLogits', 'fakeLogits');
      return tf.tidy(() => discriminator(realLogits, fakeLogits) as tf.Scalar);
    },
    generator(fakeLogits: tf.Tensor, realLogits?: tf.Tensor): tf.Scalar {
      if (realLogits !== undefined) checkPair(realLogits, fakeLogits, 'realLogits', 'fakeLogits');
      else checkLogits(fakeLogits, 'fakeLogits');
      return tf.tidy(() => generator(fakeLogits) as tf.Scalar);
    },
  });
}

/** Builds a relativistic loss: both parts see both batches. */
function makeRelativistic(
  name: GanLossName,
  discriminator: (real: tf.Tensor, fake: tf.Tensor) => tf.Tensor,
  generator: (fake: tf.Tensor, real: tf.Tensor) => tf.Tensor,
): GanLoss {
  return Object.freeze({
    name,
    generatorNeedsRealLogits: true,
    discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
      checkPair(realLogits, fakeLogits, 'realLogits', 'fakeLogits');
      return tf.tidy(() => discriminator(realLogits, fakeLogits) as tf.Scalar);
    },
    generator(fakeLogits: tf.Tensor, realLogits?: tf.Tensor): tf.Scalar {
      if (realLogits === undefined) {
        throw new ArgumentError(
          'realLogits',
          `the discriminator's logits on a real batch (the ${name} generator loss is relativistic)`,
          undefined,
        );
      }
      checkPair(realLogits, fakeLogits, 'realLogits', 'fakeLogits');
      return tf.tidy(() => generator(fakeLogits, realLogits) as tf.Scalar);
    },
  });
}

/**
 * The original GAN objective (Goodfellow et al. 2014), saturating form.
 * D minimizes `-E[log D(x)] - E[log(1 - D(G(z)))]` (= 2 ln 2 at D = 1/2);
 * G minimizes `E[log(1 - D(G(z)))]`, computed as `mean(-softplus(fake))` so it stays finite
 * when D is confident. Its gradient vanishes when D rejects fakes: use {@link nonSaturating} to train.
 */
export const minimax: GanLoss = makeLoss(
  'minimax',
  (real, fake) => tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))),
  (fake) => tf.neg(tf.mean(tf.softplus(fake))),
);

/**
 * The non-saturating GAN: the minimax discriminator loss, and G minimizes
 * `-E[log D(G(z))]` = `mean(softplus(-fake))`, which keeps strong gradients early in training.
 */
export const nonSaturating: GanLoss = makeLoss(
  'nonSaturating',
  (real, fake) => tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))),
  (fake) => tf.mean(tf.softplus(tf.neg(fake))),
);

/**
 * Wasserstein GAN (Arjovsky et al. 2017): the critic minimizes `E[C(G(z))] - E[C(x)]`,
 * G minimizes `-E[C(G(z))]`. Needs a Lipschitz constraint (gradient penalty, spectral norm,
 * clipping) to mean anything.
 */
export const wasserstein: GanLoss = makeLoss(
  'wasserstein',
  (real, fake) => tf.sub(tf.mean(fake), tf.mean(real)),
  (fake) => tf.neg(tf.mean(fake)),
);

/**
 * Hinge loss (Lim & Ye 2017; SNGAN, BigGAN): D minimizes
 * `E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]`, G minimizes `-E[D(G(z))]`.
 */
export const hinge: GanLoss = makeLoss(
  'hinge',
  (real, fake) => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))),
  (fake) => tf.neg(tf.mean(fake)),
);

/**
 * Least-squares GAN (Mao et al. 2017) with targets a = 0 (fake), b = 1 (real), c = 1:
 * D minimizes `0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2]`, G minimizes `0.5 E[(D(G(z)) - 1)^2]`,
 * on the raw (unsquashed) discriminator output. The optimal D is `p_data / (p_data + p_g)`.
 */
export const leastSquares: GanLoss = makeLoss(
  'leastSquares',
  (real, fake) => tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake)))),
  (fake) => tf.mul(0.5, tf.mean(tf.square(tf.sub(fake, 1)))),
);

/**
 * Relativistic average GAN (RaSGAN, Jolicoeur-Martineau 2018): D judges whether real data
 * is more realistic than the average fake, and vice versa:
 * `L_D = -E[log σ(C(x) - mean C(G(z)))] - E[log(1 - σ(C(G(z)) - mean C(x)))]`,
 * and G minimizes the same with real and fake swapped, so `generator` needs `realLogits`.
 */
export const relativisticAverage: GanLoss = makeRelativistic(
  'relativisticAverage',
  (real, fake) => {
    const realVsFake = tf.sub(real, tf.mean(fake));
    const fakeVsReal = tf.sub(fake, tf.mean(real));
    return tf.neg(tf.add(tf.mean(logSigmoid(realVsFake)), tf.mean(logSigmoid(tf.neg(fakeVsReal)))));
  },
  (fake, real) => {
    const realVsFake = tf.sub(real, tf.mean(fake));
    const fakeVsReal = tf.sub(fake, tf.mean(real));
    return tf.neg(tf.add(tf.mean(logSigmoid(fakeVsReal)), tf.mean(logSigmoid(tf.neg(realVsFake)))));
  },
);

/**
 * Relativistic average hinge GAN (RaHingeGAN): hinge losses on the relativistic differences,
 * `L_D = E[max(0, 1 - (C(x) - mean C(G(z))))] + E[max(0, 1 + (C(G(z)) - mean C(x)))]`,
 * and G the same with real and fake swapped (`generator` needs `realLogits`).
 */
export const relativisticAverageHinge: GanLoss = makeRelativistic(
  'relativisticAverageHinge',
  (real, fake) => {
    const realVsFake = tf.sub(real, tf.mean(fake));
    const fakeVsReal = tf.sub(fake, tf.mean(real));
    return tf.add(tf.mean(tf.relu(tf.sub(1, realVsFake))), tf.mean(tf.relu(tf.add(1, fakeVsReal))));
  },
  (fake, real) => {
    const realVsFake = tf.sub(real, tf.mean(fake));
    const fakeVsReal = tf.sub(fake, tf.mean(real));
    return tf.add(tf.mean(tf.relu(tf.sub(1, fakeVsReal))), tf.mean(tf.relu(tf.add(1, realVsFake))));
  },
);

/** Every built-in GAN loss by name, e.g. to build a CLI option or a comparison table. */
export const ganLosses: Readonly<Record<GanLossName, GanLoss>> = Object.freeze({
  minimax,
  nonSaturating,
  wasserstein,
  hinge,
  leastSquares,
  relativisticAverage,
  relativisticAverageHinge,
});

/** The names in {@link ganLosses}, in a stable order. */
export const ganLossNames: readonly GanLossName[] = Object.freeze(Object.keys(ganLosses) as GanLossName[]);

/**
 * Looks a GAN loss up by name (as given on a command line or in a config).
 * @throws ArgumentError listing the valid names.
 * @example getGanLoss('hinge').discriminator(real, fake)
 */
export function getGanLoss(name: string): GanLoss {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(ganLosses, name)) {
    throw new ArgumentError('name', `one of ${ganLossNames.map((n) => JSON.stringify(n)).join(', ')}`, name);
  }
  return ganLosses[name as GanLossName];
}
