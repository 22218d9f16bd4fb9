import { describe, expect, it } from 'vitest';
import { resolveGanVariant } from '../gan-variant';
import { ganVariantNames, ganVariants, getGanVariant } from './registry';

describe('GAN variant registry', () => {
  it('builds every registered variant, named as registered, and each resolves', () => {
    expect(ganVariantNames()).toEqual(expect.arrayContaining(['vanilla', 'wgan-gp', 'sngan-hinge', 'lsgan', 'r1']));
    for (const name of ganVariantNames()) {
      const variant = getGanVariant(name);
      expect(variant.name).toBe(name);
      expect(ganVariants[name].description.length).toBeGreaterThan(0);
      expect(() => resolveGanVariant(variant)).not.toThrow();
    }
    expect(getGanVariant('wgan-gp').discriminatorSteps).toBe(5);
  });

  it('names the valid variants when asked for an unknown one', () => {
    expect(() => getGanVariant('wgan-gpp')).toThrow(/variant: expected one of "vanilla", .*"wgan-gp".*got "wgan-gpp"/);
    expect(() => getGanVariant('toString')).toThrow(/variant: expected one of/);
  });
});
