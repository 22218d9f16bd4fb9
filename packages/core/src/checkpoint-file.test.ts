import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, peekCheckpointHeader, type CheckpointContents } from './checkpoint';
import { CHECKPOINT_RENAME_DELAY_ENV, CHECKPOINT_RENAME_DELAY_SKIP_ENV, FileCheckpointStore, readCheckpointFile, writeCheckpointFile, writeFileAtomic } from './checkpoint-file';
import { CheckpointError } from './errors';
import { Rng } from './random';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'test-support', 'train-child.ts');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-ckpt-'));

function contents(step: number): CheckpointContents {
  return {
    kind: 'test/file',
    config: {},
    step,
    rngState: [1, 2, 3, 4],
    dataState: null,
    variables: [{ name: 'w', shape: [3], dtype: 'float32', values: new Float32Array([step, step + 1, step + 2]) }],
    optimizers: {},
  };
}

describe('checkpoint files', () => {
  it('writes atomically, keeps the previous file, and reads back', () => {
    const dir = tempDir();
    const file = path.join(dir, 'nested', 'ckpt.tfgen');
    writeCheckpointFile(file, contents(1));
    writeCheckpointFile(file, contents(2));
    expect(readCheckpointFile(file).step).toBe(2);
    expect(readCheckpointFile(`${file}.prev`).step).toBe(1);
    expect(Array.from(readCheckpointFile(file).variables[0].values)).toEqual([2, 3, 4]);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['ckpt.tfgen', 'ckpt.tfgen.prev']);
    writeFileAtomic(path.join(dir, 'plain.bin'), new Uint8Array([1, 2, 3]), { keepPrevious: false });
    expect(Array.from(fs.readFileSync(path.join(dir, 'plain.bin')))).toEqual([1, 2, 3]);
  });

  it('names the file for missing, truncated, corrupt and foreign files', () => {
    const dir = tempDir();
    const file = path.join(dir, 'ckpt.tfgen');
    expect(() => readCheckpointFile(file)).toThrow(new RegExp(`^${file}: expected a readable checkpoint file, got "no such file"`));
    const bytes = encodeCheckpoint(contents(3));
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 7));
    expect(() => readCheckpointFile(file)).toThrow(CheckpointError);
    expect(() => readCheckpointFile(file)).toThrow(new RegExp(`^${file}: .*truncated file`));
    const flipped = bytes.slice();
    flipped[flipped.length - 2] ^= 0xff;
    fs.writeFileSync(file, flipped);
    expect(() => readCheckpointFile(file)).toThrow(new RegExp(`^${file}: expected payload CRC-32`));
    fs.writeFileSync(file, '{"not": "a checkpoint"}');
    expect(() => readCheckpointFile(file)).toThrow(new RegExp(`^${file}: expected magic bytes "TFGENCKP"`));
  });

  it('store: returns null before the first save and removes temp files a killed write left', () => {
    const dir = tempDir();
    const store = new FileCheckpointStore(path.join(dir, 'ckpt.tfgen'));
    expect(store.load()).toBeNull();
    fs.writeFileSync(path.join(dir, '.ckpt.tfgen.tmp-999-0'), 'half a checkpoint');
    store.save(encodeCheckpoint(contents(5)));
    expect(peekCheckpointHeader(store.load()!).step).toBe(5);
    expect(fs.readdirSync(dir)).toEqual(['ckpt.tfgen']);
  });
});

// ---- kill-and-resume ---------------------------------------------------------------------

interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the training child; `killWhen(stdout, stderr)` returning true SIGKILLs it on the spot. */
function runChild(dir: string, env: Record<string, string> = {}, killWhen?: (stdout: string, stderr: string) => boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, String(STEPS), String(EVERY), '7'], {
      cwd: path.join(here, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const check = () => {
      if (!killed && killWhen?.(stdout, stderr)) {
        killed = true;
        proc.kill('SIGKILL');
      }
    };
    proc.stdout.on('data', (chunk) => {
      stdout += chunk;
      check();
    });
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      check();
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

const STEPS = 240;
const EVERY = 20;

function loggedLosses(dir: string): { step: number; loss: number }[] {
  return fs
    .readFileSync(path.join(dir, 'losses.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

function lastStep(stdout: string): number {
  const steps = [...stdout.matchAll(/^step (\d+)$/gm)].map((m) => Number(m[1]));
  return steps.length ? steps[steps.length - 1] : 0;
}

describe('kill-and-resume', () => {
  it('a run SIGKILLed mid-training or mid-checkpoint-write resumes to exactly the uninterrupted losses', async () => {
    const reference = tempDir();
    const clean = await runChild(reference);
    expect(clean.stderr).not.toMatch(/Error/);
    expect(clean.code).toBe(0);
    const expected = new Map(loggedLosses(reference).map((r) => [r.step, r.loss]));
    expect(expected.size).toBe(STEPS);
    const referenceFinal = readCheckpointFile(path.join(reference, 'checkpoint.tfgen'));

    const check = (dir: string, resumed: ChildRun, killedAt: number) => {
      expect(resumed.code).toBe(0);
      const from = Number(/resumedFrom=(\d+)/.exec(resumed.stdout)?.[1]);
      // At most the work since the last checkpoint is lost.
      expect(from).toBeLessThanOrEqual(killedAt);
      expect(killedAt - from).toBeLessThanOrEqual(EVERY);
      expect(from % EVERY).toBe(0);
      const logged = loggedLosses(dir);
      // Every logged loss, before the kill and after the resume (replayed steps included), is bit-identical.
      for (const { step, loss } of logged) expect([step, loss]).toEqual([step, expected.get(step)]);
      expect(new Set(logged.map((r) => r.step)).size).toBe(STEPS);
      const final = readCheckpointFile(path.join(dir, 'checkpoint.tfgen'));
      expect(final.step).toBe(STEPS);
      expect(final.rngState).toEqual(referenceFinal.rngState);
      expect(final.dataState).toEqual(referenceFinal.dataState);
      expect(final.variables.map((v) => Array.from(v.values))).toEqual(referenceFinal.variables.map((v) => Array.from(v.values)));
      expect(final.optimizers.model.slots.map((v) => Array.from(v.values))).toEqual(referenceFinal.optimizers.model.slots.map((v) => Array.from(v.values)));
      return from;
    };

    // 1. SIGKILL at a (seeded) random step while training.
    const killStep = 30 + new Rng(2024).int(STEPS - 60);
    const dirA = tempDir();
    const killed = await runChild(dirA, {}, (stdout) => lastStep(stdout) >= killStep);
    expect(killed.signal).toBe('SIGKILL');
    const killedAt = lastStep(killed.stdout);
    check(dirA, await runChild(dirA), killedAt);

    // 2. SIGKILL between writing the temp file and renaming it (the second checkpoint, step 40).
    const dirB = tempDir();
    const pauseSecondWrite = { [CHECKPOINT_RENAME_DELAY_ENV]: '60000', [CHECKPOINT_RENAME_DELAY_SKIP_ENV]: '1' };
    const midWrite = await runChild(dirB, pauseSecondWrite, (_, stderr) => /pausing 60000 ms before renaming/.test(stderr));
    expect(midWrite.signal).toBe('SIGKILL');
    expect(lastStep(midWrite.stdout)).toBe(2 * EVERY);
    const leftovers = fs.readdirSync(dirB);
    expect(leftovers.some((name) => name.startsWith('.checkpoint.tfgen.tmp-'))).toBe(true);
    expect(readCheckpointFile(path.join(dirB, 'checkpoint.tfgen')).step).toBe(EVERY); // the old one, intact
    const from = check(dirB, await runChild(dirB), 2 * EVERY);
    expect(from).toBe(EVERY);
    expect(fs.readdirSync(dirB).some((name) => name.includes('.tmp-'))).toBe(false);
  });
});
