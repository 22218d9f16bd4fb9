import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tfgen/core';
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
    for (const clash of [{ loss: 'hinge' }, { gradientPenalty: 10 }, { discriminatorSteps: 3 }]) {
      expect(() => ganVariantFor(parseTrainConfig({ ...base, variant: 'lsgan', ...clash }))).toThrow(ArgumentError);
    }
  });
});
