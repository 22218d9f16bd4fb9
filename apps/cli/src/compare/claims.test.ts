import { describe, expect, it } from 'vitest';
import { checkClaims } from './claims';
import type { MixtureRow } from './study-2d';
import type { MnistRow } from './study-mnist';

function mixtureRow(model: string, family: 'GAN' | 'explicit', values: Partial<MixtureRow>): MixtureRow {
  return {
    dataset: 'ring-8', model, family, description: model, modesCovered: 8, modeCount: 8, highQualityPercent: 50, reverseKl: 0.1,
    precision: 0.5, recall: 0.5, nllNats: family === 'GAN' ? null : -1, nllKind: null, lossStd: 0.1, diverged: false,
    samplesPerSecond: 1000, trainSeconds: 1, trainCpuSeconds: 1, steps: 10, sampleCount: 100, scatterFile: 'a.png', lossFile: 'b.png', ...values,
  };
}

function mnistRow(model: string, family: 'GAN' | 'explicit', values: Partial<MnistRow>): MnistRow {
  return {
    model, family, description: model, fcd: 100, kid: 1, kidStd: 0.1, precision: 0.5, recall: 0.5, classifierScore: 2, digitsCovered: 10, digitKl: 0.1,
    nllNats: family === 'GAN' ? null : 100, nllStandardError: family === 'GAN' ? null : 1, bitsPerDim: family === 'GAN' ? null : 0.2, nllKind: null, nllCount: null,
    lossStd: 0.1, diverged: false, samplesPerSecond: 1000, trainSeconds: 1, trainCpuSeconds: 1, steps: 10, sampleCount: 100, realCount: 100, gridFile: 'a.png', lossFile: 'b.png', ...values,
  };
}

describe('checkClaims', () => {
  it('supports the claims when the rows show them, with the measured numbers in the text', () => {
    const mixture = [
      mixtureRow('gan', 'GAN', { precision: 0.9, modesCovered: 2, recall: 0.2 }),
      mixtureRow('pacgan2', 'GAN', { precision: 0.8, modesCovered: 6, recall: 0.6 }),
      mixtureRow('vae', 'explicit', { precision: 0.3, modesCovered: 8, recall: 0.9 }),
    ];
    const mnist = [
      mnistRow('gan', 'GAN', { fcd: 20, recall: 0.1, samplesPerSecond: 5000, diverged: true }),
      mnistRow('vae', 'explicit', { fcd: 60, recall: 0.4, samplesPerSecond: 20000 }),
      mnistRow('pixelcnn', 'explicit', { fcd: 80, samplesPerSecond: 2, sampleCount: 16 }),
    ];
    const checks = checkClaims(mixture, mnist);
    const byClaim = (start: string) => checks.find((c) => c.claim.startsWith(start))!;
    expect(byClaim('GANs give higher-quality').verdict).toBe('supported');
    expect(byClaim('GANs give higher-quality').measured).toContain('best GAN precision 0.900 vs VAE 0.300');
    expect(byClaim('GANs give higher-quality').measured).toContain('best GAN FCD 20.0 vs VAE 60.0');
    expect(byClaim('GANs drop modes').verdict).toBe('supported');
    expect(byClaim('GANs drop modes').measured).toContain('GANs cover 4.0/8 modes on average (vanilla 2), VAE 8');
    expect(byClaim('The anti-collapse').verdict).toBe('supported');
    expect(byClaim('Likelihood models').verdict).toBe('supported');
    expect(byClaim('GAN training').verdict).toBe('supported');
    expect(byClaim('GANs sample far faster').measured).toContain('2500x');
    expect(byClaim('GANs sample far faster').verdict).toBe('supported');
  });

  it('says "not supported" and "mixed" when the rows go the other way, and n/a without rows', () => {
    const ring = [mixtureRow('gan', 'GAN', { precision: 0.1, modesCovered: 8 }), mixtureRow('vae', 'explicit', { precision: 0.4, modesCovered: 8 })];
    const grid = [
      mixtureRow('gan', 'GAN', { dataset: 'grid-25', modeCount: 25, precision: 0.6, modesCovered: 10 }),
      mixtureRow('vae', 'explicit', { dataset: 'grid-25', modeCount: 25, precision: 0.2, modesCovered: 20 }),
    ];
    const checks = checkClaims([...ring, ...grid], []);
    expect(checks.find((c) => c.claim.startsWith('GANs give higher-quality'))!.verdict).toBe('mixed');
    expect(checks.find((c) => c.claim.startsWith('GANs drop modes'))!.verdict).toBe('mixed');
    expect(checks.find((c) => c.claim.startsWith('GAN training'))!.verdict).toBe('not supported');
    expect(checks.find((c) => c.claim.startsWith('GANs sample far faster'))!.verdict).toBe('n/a');
    expect(checkClaims([], []).every((c) => c.verdict === 'n/a')).toBe(true);
  });
});
