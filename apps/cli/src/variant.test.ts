import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng } from '@tfgen/core';
import { getGanVariant } from '@tfgen/strategies';
import { parseTrainConfig } from './config';
import { ganVariantFor } from './registry';

const base = { model: 'mlp-gan', dataset: 'ring', out: 'runs/x' };

describe('--variant', () => {
  it('takes a registered preset whole, and --ttur only changes its learning rates', () => {
    const preset = ganVariantFor(parseTrainConfig({ ...base, variant: 'wgan-gp' }));
    expect(preset.name).toBe('wgan-gp');
    expect(preset.discriminatorSteps).toBe(5);
    expect(preset.regularizers?.map((r) => [r.name, r.weight])).toEqual(getGanVariant('wgan-gp').regularizers?.map((r) => [r.name, r.weight]));
    const tuned = ganVariantFor(parseTrainConfig({ ...base, variant: 'wgan-gp', ttur: '1e-4,4e-4' }));
    expect(tuned.optimizers?.generator).toMatchObject({ kind: 'adam', learningRate: 1e-4, beta1: 0, beta2: 0.9 });
    expect(tuned.optimizers?.discriminator).toMatchObject({ kind: 'adam', learningRate: 4e-4, beta1: 0, beta2: 0.9 });
  });

  it('rejects unknown presets and flags the preset already decides', () => {
    expect(() => parseTrainConfig({ ...base, variant: 'wgan-gpp' })).toThrow(/config\.variant \(--variant\): expected one of .*"wgan-gp".*got "wgan-gpp"/);
    for (const clash of [{ loss: 'hinge' }, { gradientPenalty: 10 }, { gradientPenaltyTarget: 0 }, { discriminatorSteps: 3 }]) {
      expect(() => ganVariantFor(parseTrainConfig({ ...base, variant: 'lsgan', ...clash }))).toThrow(ArgumentError);
    }
  });

  it('--gradient-penalty-target sets the norm the penalty pulls towards (0: zero-centred)', () => {
    // A linear critic with ||w|| = 2: the penalty is (2 - target)^2 at every interpolate.
    const w = tf.tensor2d([[2], [0]]);
    const critic = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w);
    const real = tf.tensor2d([[1, 0], [0, 1]]);
    const fake = tf.zeros([2, 2]);
    const penaltyOf = (flags: Record<string, string>) => {
      const variant = ganVariantFor(parseTrainConfig({ ...base, loss: 'wasserstein', gradientPenalty: '10', discriminatorSteps: '5', ...flags }));
      const [regularizer] = variant.regularizers ?? [];
      expect(regularizer.weight).toBe(10);
      const value = regularizer.apply({ critic, real, fake, rng: new Rng(1), step: 0 });
      const result = value.dataSync()[0];
      value.dispose();
      return result;
    };
    expect(penaltyOf({})).toBeCloseTo(1, 5);
    expect(penaltyOf({ gradientPenaltyTarget: '0' })).toBeCloseTo(4, 5);
    tf.dispose([w, real, fake]);
    expect(() => ganVariantFor(parseTrainConfig({ ...base, gradientPenaltyTarget: '0' }))).toThrow(/config\.gradientPenaltyTarget.*--gradient-penalty > 0/);
    expect(() => parseTrainConfig({ ...base, gradientPenaltyTarget: '-1' })).toThrow(/config\.gradientPenaltyTarget \(--gradient-penalty-target\): expected a number >= 0/);
  });
});
