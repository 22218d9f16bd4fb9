// publint (strict) and arethetypeswrong on the packed tarball of every package, so `pnpm test`
// (what CI runs) checks what `pnpm lint` checks. Each package is packed once and both tools read
// that tarball.
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, pack, repoRoot } from './pack';

const packages = readdirSync(join(repoRoot, 'packages')).sort();
let workDirectory = '';
const tarballs: Record<string, Uint8Array> = {};

beforeAll(async () => {
  await ensureBuilt(packages);
  workDirectory = mkdtempSync(join(tmpdir(), 'tfgen-lint-'));
  for (const name of packages) tarballs[name] = new Uint8Array(readFileSync(await pack(name, workDirectory)));
}, 600_000);

afterAll(() => {
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

describe('package lint on the packed tarballs', () => {
  it.each(packages)('@tfgen/%s passes publint --strict', async (name) => {
    const tarball = tarballs[name];
    const { messages, pkg } = await publint({
      strict: true,
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer },
    });
    // Suggestions (e.g. "consider adding engines") are advice; errors and warnings fail.
    const failures = messages.filter((m) => m.type !== 'suggestion').map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it.each(packages)('@tfgen/%s passes arethetypeswrong (node16 from ESM and CJS, bundler)', async (name) => {
    const result = await checkPackage(createPackageFromTarballData(tarballs[name]));
    if (!('problems' in result)) throw new Error(`attw could not analyse @tfgen/${name}: ${JSON.stringify(result).slice(0, 300)}`);
    // The node16 profile of the CLI: node10 resolution (no `exports` support) is out of scope.
    const problems = result.problems
      .filter((p) => !('resolutionKind' in p) || p.resolutionKind !== 'node10')
      .map((p) => `${p.kind}${'entrypoint' in p ? ` at ${p.entrypoint}` : ''}${'resolutionKind' in p ? ` (${p.resolutionKind})` : ''}`);
    expect(problems).toEqual([]);
    // It did look at every entry point, in every resolution mode.
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8'));
    const entries = Object.keys(manifest.exports).filter((e) => e !== './package.json');
    expect(Object.keys(result.entrypoints).filter((e) => e !== './package.json').sort()).toEqual(entries.sort());
  }, 120_000);
});
