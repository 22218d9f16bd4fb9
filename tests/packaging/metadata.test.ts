// Every published package carries the same packaging metadata; a new package copies it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './pack';

const packages = readdirSync(join(repoRoot, 'packages')).filter((name) => existsSync(join(repoRoot, 'packages', name, 'package.json')));
const read = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));

describe('packaging metadata', () => {
  it('finds the seven packages', () => {
    expect(packages.sort()).toEqual(['architectures', 'core', 'datasets', 'explicit', 'losses', 'metrics', 'strategies']);
  });

  it.each(packages)('@tfgen/%s is publishable: dual ESM/CJS exports with types, files, engines, peers, lint', (name) => {
    const manifest = read(`packages/${name}/package.json`);
    expect(manifest.name).toBe(`@tfgen/${name}`);
    expect(manifest.private).toBeUndefined();
    expect(manifest.type).toBe('module');
    expect(manifest.license).toBe('Apache-2.0');
    expect(manifest.files).toEqual(['dist', 'README.md']);
    expect(manifest.engines).toEqual({ node: '>=20' });
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${name}` });
    expect(typeof manifest.sideEffects === 'boolean' || Array.isArray(manifest.sideEffects)).toBe(true);
    expect(manifest.exports['./package.json']).toBe('./package.json');
    for (const [entry, conditions] of Object.entries(manifest.exports as Record<string, unknown>)) {
      if (entry === './package.json') continue;
      const base = entry === '.' ? 'index' : entry.slice(2);
      // types first in each condition, .d.cts beside .cjs, so TypeScript picks the right flavour.
      expect(conditions, entry).toEqual({
        import: { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` },
        require: { types: `./dist/${base}.d.cts`, default: `./dist/${base}.cjs` },
      });
      expect(existsSync(join(repoRoot, 'packages', name, 'src', `${base}.ts`)), `src/${base}.ts`).toBe(true);
    }
    expect(manifest.main).toBe('./dist/index.cjs');
    expect(manifest.types).toBe('./dist/index.d.ts');
    // tfjs is the user's: a peer, never bundled as a dependency, never tfjs-node.
    expect(manifest.peerDependencies).toMatchObject({ '@tensorflow/tfjs-core': '^4.22.0' });
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
    expect(Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@tensorflow/'))).toEqual([]);
    expect(Object.keys(runtime)).not.toContain('@tensorflow/tfjs-node');
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dependency.startsWith('@tfgen/')) expect(range, dependency).toBe('workspace:^');
    }
    expect(manifest.scripts.lint).toBe('publint --strict && attw --pack . --profile node16');
    expect(existsSync(join(repoRoot, 'packages', name, 'README.md'))).toBe(true);
  });

  it('changesets version the packages independently and ignore the private apps and tests', () => {
    const config = read('.changeset/config.json');
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.access).toBe('public');
    expect([...config.ignore].sort()).toEqual(['@tfgen/cli', '@tfgen/tests', '@tfgen/web']);
    for (const app of ['apps/cli', 'apps/web', 'tests']) expect(read(`${app}/package.json`).private, app).toBe(true);
  });
});
