import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runCompare } from './index';

describe('runCompare', () => {
  it('runs the test preset end to end and writes a report holding numbers and figures', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'tfgen-compare-'));
    const lines: string[] = [];
    try {
      const before = tf.memory().numTensors;
      const result = await runCompare({ preset: 'test', outDir, seed: 1, backend: 'wasm', onProgress: (line) => lines.push(line) });
      expect(tf.memory().numTensors).toBe(before);
      expect(existsSync(result.reportPath)).toBe(true);
      const report = readFileSync(result.reportPath, 'utf8');
      expect(report).toMatch(/## ring-8/);
      expect(report).toMatch(/## grid-25/);
      // rows hold measured numbers: "| gan | GAN | k/8 | 12.3 |"
      expect(report).toMatch(/\| gan \| GAN \| \d+\/8 \| \d+\.\d \|/);
      expect(report).toMatch(/\| vae \| explicit \| \d+\/25 \| [\d.]+ \| [\d.]+ \|/);
      expect(result.mixtureRows.length).toBe(6);
      for (const row of result.mixtureRows) {
        expect(Number.isFinite(row.samplesPerSecond)).toBe(true);
        expect(row.steps).toBeGreaterThan(0);
      }
      const vae = result.mixtureRows.find((r) => r.model === 'vae' && r.dataset === 'ring-8')!;
      expect(Number.isFinite(vae.nllNats)).toBe(true);
      expect(report).toMatch(/## MNIST/);
      expect(result.mnistRows.map((r) => r.model)).toEqual(expect.arrayContaining(['gan', 'vae']));
      for (const row of result.mnistRows) expect(Number.isFinite(row.fcd)).toBe(true);
      expect(report).toMatch(/\| gan \| GAN \| \d+ \| [\d.]+ \|/);
      for (const figure of result.figures) expect(readFileSync(figure).subarray(1, 4).toString()).toBe('PNG');
      expect(JSON.parse(readFileSync(result.resultsPath, 'utf8')).preset).toBe('test');
      expect(lines.some((l) => l.includes('done in'))).toBe(true);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 600_000); // ~50 s alone on 2 cores; minutes when the machine is shared

  it('rejects bad options clearly', async () => {
    await expect(runCompare({ preset: 'huge' as never, outDir: 'x' })).rejects.toThrow(/options\.preset/);
    await expect(runCompare({ preset: 'test', outDir: '' })).rejects.toThrow(/options\.outDir/);
  });

  it('gives any variant registered in @tfgen/strategies a row, and names the registered ones for a typo', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'tfgen-compare-variants-'));
    try {
      await expect(runCompare({ preset: 'test', outDir, variants: ['lsgann'] })).rejects.toThrow(/variant: expected one of .*"lsgan".*got "lsgann"/);
      const result = await runCompare({ preset: 'test', outDir, seed: 1, backend: 'cpu', only: 'ring-8', variants: ['lsgan'] });
      const row = result.mixtureRows.find((r) => r.model === 'lsgan');
      expect(row?.description).toMatch(/variant "lsgan" from @tfgen\/strategies/);
      expect(row?.steps).toBeGreaterThan(0);
      expect(readFileSync(result.reportPath, 'utf8')).toMatch(/\| lsgan \| GAN \| \d+\/8 \|/);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 600_000);
});

