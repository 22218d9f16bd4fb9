// The API reference builds from TSDoc with no warnings: every public symbol of every package is
// documented and every referenced type is exported (typedoc.json turns on `notDocumented`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './pack';

describe('API reference (TypeDoc)', () => {
  it('builds for every package with no warnings', async () => {
    await ensureBuilt(readdirSync(join(repoRoot, 'packages')).sort());
    const run = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none', '--treatWarningsAsErrors'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(run.status, output).toBe(0);
    for (const name of ['core', 'losses', 'strategies', 'architectures', 'explicit', 'datasets', 'metrics']) {
      expect(output).toContain(`Converting project at ./packages/${name}`);
    }
  }, 300_000);
});
