import { describe, expect, it } from 'vitest';
import type { Gan } from '@tfgen/strategies';
import { parseTrainConfig } from './config';
import { buildRun } from './registry';

describe('--spectral-norm', () => {
  it('puts spectral normalization on every layer of the mlp-gan discriminator, none on the generator', () => {
    const run = buildRun(parseTrainConfig({ model: 'mlp-gan', dataset: 'ring', out: 'runs/x', spectralNorm: true, hiddenUnits: 8 }));
    const gan = run.model as Gan;
    const classes = gan.discriminator.layers.map((l) => l.getClassName());
    expect(classes.filter((c) => c === 'SpectralNormalization').length).toBe(3);
    expect(classes).not.toContain('Dense');
    expect(gan.generator.layers.map((l) => l.getClassName())).not.toContain('SpectralNormalization');
    run.dispose();
  });

  it('is refused for the VAE, naming the flag', () => {
    expect(() => buildRun(parseTrainConfig({ model: 'vae', dataset: 'mnist', out: 'runs/x', spectralNorm: true }))).toThrow(/config\.spectralNorm/);
  });
});
