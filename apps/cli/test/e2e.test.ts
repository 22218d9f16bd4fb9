// End-to-end tests of the `tfgen` command: each spawns the CLI as a user would (node with the
// tsx loader on the sources, so no build is needed; not the tsx wrapper process, which would
// eat the Ctrl-C the test sends), on tiny settings, and checks files, output and exit codes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import pngjs from 'pngjs';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsxLoader = pathToFileURL(path.resolve(cliDir, '../../node_modules/tsx/dist/loader.mjs')).href;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-e2e-'));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns `tfgen ...args`; `onStart` may act on the running process (e.g. send SIGINT). */
function tfgen(args: string[], options: { onStart?: (child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, path.join(cliDir, 'src/bin.ts'), ...args], {
      cwd: work,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0', TSX_TSCONFIG_PATH: path.join(cliDir, 'tsconfig.dev.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    options.onStart?.(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tfgen ${args.join(' ')} timed out; stdout: ${stdout}; stderr: ${stderr}`));
    }, options.timeoutMs ?? 150_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const tiny = ['--model', 'mlp-gan', '--dataset', 'ring', '--batch-size', '32', '--hidden-units', '16', '--latent-dim', '4', '--log-every', '1', '--progress', 'plain'];

function metricsOf(runDir: string): Array<Record<string, number>> {
  return fs
    .readFileSync(path.join(work, runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** The training metrics of a record (wall-clock time left out). */
function losses(record: Record<string, number>): Record<string, number> {
  const { time: _time, ...rest } = record;
  return rest;
}

describe('tfgen end to end', () => {
  it('train -> sample -> eval on a 2D mixture writes the run folder and exits 0', async () => {
    const train = await tfgen(['train', ...tiny, '--steps', '20', '--checkpoint-every', '10', '--sample-every', '10', '--out', 'runs/ring']);
    expect(train.stderr).not.toMatch(/error/i);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/tfgen: backend (wasm|cpu)/);
    expect(train.stdout).toMatch(/step 20\/20 .*steps\/s/);
    const run = path.join(work, 'runs/ring');
    const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: 'mlp-gan', dataset: 'ring', steps: 20, batchSize: 32, seed: 0 });
    expect(metricsOf('runs/ring').map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(fs.existsSync(path.join(run, 'checkpoints/checkpoint.tfgen'))).toBe(true);
    expect(fs.readdirSync(path.join(run, 'samples')).sort()).toEqual(['step-000010.png', 'step-000020.png']);
    expect(fs.readFileSync(path.join(run, 'loss-curve.svg'), 'utf8')).toMatch(/^<svg[\s\S]*loss\/generator/);

    const sample = await tfgen(['sample', 'runs/ring', '--count', '500', '--out', 'ring.png']);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toMatch(/wrote 500 samples from step 20 to .*ring\.png/);
    const png = pngjs.PNG.sync.read(fs.readFileSync(path.join(work, 'ring.png')));
    expect([png.width, png.height]).toEqual([360, 360]);

    const evaluation = await tfgen(['eval', 'runs/ring', '--json', '--samples', '1000']);
    expect(evaluation.code).toBe(0);
    const result = JSON.parse(evaluation.stdout.trim().split('\n').pop()!);
    expect(result.step).toBe(20);
    const modes = result.metrics.find((m: { name: string }) => m.name === 'modes covered');
    expect(modes.value).toBeGreaterThanOrEqual(0);
    expect(modes.value).toBeLessThanOrEqual(8);
    expect(result.metrics.find((m: { name: string }) => m.name === 'samples').value).toBe(1000);
  }, 240_000);

  it('resume continues exactly: 10 steps + resume to 20 = 20 uninterrupted steps', async () => {
    const [straight, first] = await Promise.all([
      tfgen(['train', ...tiny, '--steps', '20', '--seed', '7', '--out', 'runs/straight']),
      tfgen(['train', ...tiny, '--steps', '10', '--seed', '7', '--out', 'runs/split']),
    ]);
    expect([straight.code, first.code]).toEqual([0, 0]);
    const resumed = await tfgen(['resume', 'runs/split', '--steps', '20']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resuming/);
    const a = metricsOf('runs/straight').map(losses);
    const b = metricsOf('runs/split').map(losses);
    expect(b.length).toBe(20);
    expect(b).toEqual(a);
    // the resumed run's config records the new total
    expect(JSON.parse(fs.readFileSync(path.join(work, 'runs/split/config.json'), 'utf8')).steps).toBe(20);
  }, 240_000);

  it('Ctrl-C writes a checkpoint and exits 130; resume then matches an uninterrupted run', async () => {
    // Ctrl-C once the run has logged a few steps (SIGINT before training starts would just kill it).
    const metricsFile = path.join(work, 'runs/int/metrics.jsonl');
    let sent = false;
    const interrupted = await tfgen(['train', ...tiny, '--steps', '100000', '--seed', '3', '--checkpoint-every', '100000', '--out', 'runs/int'], {
      onStart: (child) => {
        const poll = setInterval(() => {
          const lines = fs.existsSync(metricsFile) ? fs.readFileSync(metricsFile, 'utf8').split('\n').length : 0;
          if (!sent && lines > 3) {
            sent = true;
            child.kill('SIGINT');
          }
          if (sent || child.exitCode !== null) clearInterval(poll);
        }, 100);
      },
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toMatch(/stopped at step (\d+) \(checkpoint saved\)/);
    const stoppedAt = Number(/stopped at step (\d+)/.exec(interrupted.stdout)![1]);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(work, 'runs/int/checkpoints/checkpoint.tfgen'))).toBe(true);
    const total = stoppedAt + 3;
    const [resumed, straight] = await Promise.all([
      tfgen(['resume', 'runs/int', '--steps', String(total)]),
      tfgen(['train', ...tiny, '--steps', String(total), '--seed', '3', '--out', 'runs/int-straight']),
    ]);
    expect([resumed.code, straight.code]).toEqual([0, 0]);
    expect(metricsOf('runs/int').map(losses)).toEqual(metricsOf('runs/int-straight').map(losses));
  }, 240_000);

  it('bad flags and bad config files give clear errors and non-zero exit codes', async () => {
    fs.writeFileSync(path.join(work, 'bad-steps.yaml'), 'model: mlp-gan\ndataset: ring\nout: runs/bad\nsteps: -3\n');
    fs.writeFileSync(path.join(work, 'broken.json'), '{"model": ');
    const [unknownFlag, badModel, badSteps, broken, noRun] = await Promise.all([
      tfgen(['train', '--model', 'mlp-gan', '--bogus']),
      tfgen(['train', '--model', 'gpt', '--dataset', 'ring', '--out', 'runs/bad']),
      tfgen(['train', '--config', 'bad-steps.yaml']),
      tfgen(['train', '--config', 'broken.json']),
      tfgen(['sample', 'runs/does-not-exist']),
    ]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/unknown option '--bogus'/);
    expect(badModel.code).toBe(1);
    expect(badModel.stderr).toMatch(/error: config\.model \(--model\): expected one of "mlp-gan", "dcgan", .*"wavenet", got "gpt"/);
    expect(badSteps.code).toBe(1);
    expect(badSteps.stderr).toMatch(/error: bad-steps\.yaml\.steps \(--steps\): expected a number >= 1, got -3/);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/error: --config broken\.json: expected valid JSON/);
    expect(noRun.code).toBe(1);
    expect(noRun.stderr).toMatch(/error: run folder: expected a folder made by `tfgen train`/);
    expect(fs.existsSync(path.join(work, 'runs/bad'))).toBe(false);
  }, 240_000);

  it('a closed pipe (`tfgen --help | head -1`) ends the output quietly with exit 0, not a stack trace', async () => {
    // The read end is closed before the CLI has started, so its first write meets EPIPE.
    const result = await tfgen(['--help'], { onStart: (child) => child.stdout!.destroy() });
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('wavenet: train -> sample (WAV) -> eval through the command, and errors for flags that do not fit', async () => {
    const wave = ['--model', 'wavenet', '--dataset', 'chirp', '--sample-rate', '1000', '--hidden-units', '4', '--hidden-layers', '3', '--batch-size', '4', '--progress', 'plain'];
    const [train, mismatch] = await Promise.all([
      tfgen(['train', ...wave, '--steps', '2', '--log-every', '1', '--out', 'runs/wave']),
      tfgen(['train', '--model', 'dcgan', '--dataset', 'sine', '--out', 'runs/bad-pair']),
    ]);
    expect(train.stderr).not.toMatch(/error/i);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/training wavenet on chirp/);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/error: config\.dataset \(--dataset\): expected one of "mnist", "fashion-mnist", "stacked-mnist", "image-folder" for model "dcgan", got "sine"/);
    expect(fs.existsSync(path.join(work, 'runs/bad-pair'))).toBe(false);

    const [sample, evaluation, badSeconds] = await Promise.all([
      tfgen(['sample', 'runs/wave', '--seconds', '0.2', '--count', '2', '--out', 'tones.wav']),
      tfgen(['eval', 'runs/wave', '--samples', '4']),
      tfgen(['sample', 'runs/wave', '--seconds', 'long']),
    ]);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toMatch(/wrote 2 WAV clips from step 2 to .*tones\.wav, .*tones-1\.wav/);
    for (const name of ['tones.wav', 'tones-1.wav']) {
      const bytes = fs.readFileSync(path.join(work, name));
      expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
      expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
      expect(bytes.readUInt16LE(22)).toBe(1); // mono
      expect(bytes.readUInt32LE(24)).toBe(1000); // sample rate
      expect(bytes.readUInt16LE(34)).toBe(16); // bits per sample
      expect(bytes.readUInt32LE(40)).toBe(2 * 200); // data bytes: 0.2 s at 1000 Hz
    }
    expect(evaluation.code).toBe(0);
    expect(evaluation.stdout).toMatch(/bits\/sample/);
    expect(fs.existsSync(path.join(work, 'runs/wave/eval-step-000002.json'))).toBe(true);
    expect(badSeconds.code).toBe(2);
    expect(badSeconds.stderr).toMatch(/error: --seconds: expected a number > 0, got "long"/);
  }, 240_000);

  it('demo runs end to end on tiny settings and says where the pictures are', async () => {
    const demo = await tfgen(['demo', '--steps', '4', '--mnist-steps', '2', '--out', 'runs/demo']);
    expect(demo.stderr).not.toMatch(/error/i);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/\| run \| modes covered \| on the top mode \| high quality \|/);
    expect(demo.stdout).toMatch(/Verdict:\n  vanilla GAN: .*\d\/8 modes/);
    expect(demo.stdout).toMatch(/tfgen demo: done in \d+/);
    for (const name of ['ring-vanilla.png', 'ring-vanilla-timeline.png', 'mnist-vae.png', 'README.md']) {
      expect(fs.existsSync(path.join(work, 'runs/demo', name)), name).toBe(true);
      expect(demo.stdout).toContain(path.join('runs/demo', name));
    }
    // Each 2D run folder is a tfgen run folder: eval reads it.
    const evaluated = await tfgen(['eval', 'runs/demo/ring-vanilla']);
    expect(evaluated.code).toBe(0);
  }, 240_000);
});
