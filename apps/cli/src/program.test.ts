import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODEL_DATASETS, MODEL_NAMES } from './config';
import { EXIT, buildProgram, runCli } from './program';

/** Runs the CLI in-process and captures what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await runCli(['node', 'tfgen', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('tfgen command line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has every subcommand, each with --help and examples', async () => {
    const { program } = buildProgram();
    expect(program.commands.map((c) => c.name())).toEqual(['train', 'resume', 'sample', 'eval', 'compare', 'bench', 'demo']);
    for (const name of ['train', 'resume', 'sample', 'eval', 'compare', 'bench', 'demo']) {
      const { code, stdout } = await cli(name, '--help');
      expect(code, name).toBe(EXIT.ok);
      expect(stdout, name).toMatch(new RegExp(`Usage: tfgen ${name}[\\s\\S]*Examples:[\\s\\S]*\\$ tfgen ${name}`));
    }
    const train = await cli('train', '--help');
    for (const model of MODEL_NAMES) {
      expect(train.stdout, model).toContain(`$ tfgen train --model ${model} `);
      expect(train.stdout, model).toMatch(new RegExp(`\\n  ${model} +${MODEL_DATASETS[model].join(', ')}\\n`));
    }
    const sample = await cli('sample', '--help');
    expect(sample.stdout).toMatch(/--class <id>[\s\S]*--seconds <s>[\s\S]*\$ tfgen sample runs\/wavenet --seconds 2/);
    const top = await cli('--help');
    expect(top.stdout).toMatch(/Commands:[\s\S]*train[\s\S]*demo/);
  });

  it('rejects unknown commands, unknown flags and bad flag values with usage errors (exit 2)', async () => {
    const unknownCommand = await cli('trian');
    expect(unknownCommand.code).toBe(EXIT.usage);
    expect(unknownCommand.stderr).toMatch(/unknown command 'trian'/);
    const unknownFlag = await cli('eval', 'runs/x', '--sampels', '3');
    expect(unknownFlag.code).toBe(EXIT.usage);
    expect(unknownFlag.stderr).toMatch(/unknown option '--sampels'[\s\S]*Did you mean --samples\?/);
    const badCount = await cli('sample', 'runs/x', '--count', 'ten');
    expect(badCount.code).toBe(EXIT.usage);
    expect(badCount.stderr).toMatch(/error: --count: expected an integer >= 1, got "ten"/);
    const badProgress = await cli('train', '--progress', 'fancy');
    expect(badProgress.code).toBe(EXIT.usage);
    expect(badProgress.stderr).toMatch(/argument 'fancy' is invalid. Allowed choices are auto, bar, plain, off/);
  });

  it('reports config problems naming field, expected and actual (exit 1), before touching the disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-program-'));
    const typo = path.join(dir, 'typo.json');
    fs.writeFileSync(typo, JSON.stringify({ model: 'mlp-gan', dataset: 'ring', out: path.join(dir, 'run'), stpes: 3 }));
    const result = await cli('train', '--config', typo);
    expect(result.code).toBe(EXIT.error);
    expect(result.stderr).toContain(`error: ${typo}.stpes: expected a known field (model, dataset, out, steps`);
    const missing = await cli('train', '--config', path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe(EXIT.error);
    expect(missing.stderr).toMatch(/nope\.yaml: expected a readable JSON or YAML file, got "no such file"/);
    const badLoss = await cli('train', '--model', 'mlp-gan', '--dataset', 'ring', '--out', path.join(dir, 'run'), '--loss', 'hinged');
    expect(badLoss.code).toBe(EXIT.error);
    expect(badLoss.stderr).toMatch(/config\.loss \(--loss\): expected one of "minimax", "non-saturating", .*got "hinged"/);
    const noRun = await cli('resume', path.join(dir, 'nothing'));
    expect(noRun.code).toBe(EXIT.error);
    expect(noRun.stderr).toMatch(/run folder: expected a folder made by `tfgen train` \(with config\.json\)/);
    expect(fs.existsSync(path.join(dir, 'run'))).toBe(false);
  });
});
