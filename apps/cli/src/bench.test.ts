import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { dcgan } from '@tfgen/architectures';
import { describe, expect, it } from 'vitest';
import { BASELINE_BACKEND, findPytorchScript, median, runBench, runPytorch, withRatios, type BenchRow } from './bench';
import { BENCH_COLUMNS, formatRate } from './bench-report';
import { BENCH_DCGAN_WIDTH, benchModel } from './bench-workloads';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

type Measured = Omit<BenchRow, 'speedupVsBaseline' | 'timeVsPytorch'>;
const row = (model: string, backend: string, threads: number, medianStepMs: number): Measured => ({
  model, backend, threads, batchSize: 64, steps: 5, medianStepMs, samplesPerSecond: 64000 / medianStepMs, cpuMsPerStep: medianStepMs,
  peakRssMb: 300, tensorMb: 1, peakTensorMb: 2, tensorGrowth: 0, loadAverage: 1,
});

describe('bench helpers', () => {
  it('takes medians of odd and even lists without reordering the input', () => {
    const values = [5, 1, 4];
    expect(median(values)).toBe(4);
    expect(values).toEqual([5, 1, 4]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('divides by the same-run baseline of the same model and by PyTorch with the same thread count', () => {
    const rows = withRatios(
      [row('dcgan', 'wasm (fast)', 2, 200), row('dcgan', BASELINE_BACKEND, 1, 900), row('vae', 'wasm (fast)', 2, 10), row('vae', BASELINE_BACKEND, 1, 30), row('vae', 'cpu', 1, 600)],
      [{ threads: 1, medianStepMs: 180, cpuMsPerStep: 180, steps: 5, torch: '1.13', blas: 'openblas' }, { threads: 2, medianStepMs: 125, cpuMsPerStep: 240, steps: 5, torch: '1.13', blas: 'openblas' }],
    );
    expect(rows.map((r) => r.speedupVsBaseline)).toEqual([4.5, 1, 3, 1, 0.05]);
    expect(rows[0].timeVsPytorch).toBeCloseTo(200 / 125, 12); // 2 threads vs PyTorch's 2 threads
    expect(rows[1].timeVsPytorch).toBeCloseTo(900 / 180, 12); // 1 thread vs 1 thread
    expect(rows[2].timeVsPytorch).toBeNaN(); // only DCGAN has a PyTorch reference
    expect(withRatios([row('vae', 'cpu', 1, 600)], [])[0].speedupVsBaseline).toBeNaN(); // no baseline measured
  });

  it('formats rates with digits that show, from thousands to hundredths', () => {
    expect([20480.4, 48.66, 0.02127, NaN].map(formatRate)).toEqual(['20480', '48.7', '0.021', '']);
  });

  it('rejects unknown models and backends by name', async () => {
    expect(() => benchModel('gan9000')).toThrow(/--models.*mlp-gan.*gan9000/s);
    await expect(runBench({ backends: ['tpu'], models: ['mlp-gan'], log: () => undefined })).rejects.toThrow(/--backends.*wasm-lowered.*tpu/s);
  });

  it('compares with a PyTorch script whose DCGAN has the parameters of tfgen\'s bench DCGAN, or says why it is skipped', () => {
    const script = findPytorchScript();
    expect(script).not.toBeNull();
    if (!hasTorch) {
      expect(runPytorch(1, 1)).toEqual({ threads: 1, skipped: expect.stringContaining('cannot import torch') });
      return;
    }
    const described = spawnSync('/usr/bin/python3', [script!, '--describe', '--width', String(BENCH_DCGAN_WIDTH)], { encoding: 'utf8' });
    const torchSizes = JSON.parse(/^describe=(.*)$/m.exec(described.stdout)![1]) as { generator: number[]; discriminator: number[] };
    const net = dcgan({ imageShape: [28, 28, 1], width: BENCH_DCGAN_WIDTH, seed: 1 });
    const sizes = (model: typeof net.generator) => model.trainableWeights.map((w) => w.shape.reduce((a, b) => (a ?? 1) * (b ?? 1), 1)).sort((a, b) => a! - b!);
    expect([...torchSizes.generator].sort((a, b) => a - b)).toEqual(sizes(net.generator));
    expect([...torchSizes.discriminator].sort((a, b) => a - b)).toEqual(sizes(net.discriminator));
    net.generator.dispose();
    net.discriminator.dispose();
    expect(runPytorch(1, 1, '/bin/false')).toEqual({ threads: 1, skipped: expect.stringContaining('cannot import torch') });
  });
});

describe('runBench (tiny settings, cpu backend)', () => {
  it('writes a markdown table and JSON with every column, finite numbers, no tensor growth, and a long run', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-bench-'));
    const lines: string[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await runBench({ steps: 2, rowSeconds: 5, longSteps: 4, backends: ['cpu'], models: ['mlp-gan', 'dcgan'], pytorch: false, out, log: (line) => lines.push(line) });
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const header = result.markdown.split('\n').find((line) => line.startsWith('| model |'))!;
    expect(header).toBe(`| ${BENCH_COLUMNS.join(' | ')} |`);
    expect(result.markdown).toMatch(/Machine: \d+ CPUs .*load average \(1\/5\/15 min\) [\d.]+ \/ [\d.]+ \/ [\d.]+ at the start, [\d.]+ \/ [\d.]+ \/ [\d.]+ at the end/);
    expect(result.markdown).toContain(`tfjs-core ${tf.version_core}`);
    expect(result.markdown).toContain('--backends cpu --models mlp-gan,dcgan');

    const [mlp, dcganRow] = result.rows;
    expect(mlp).toMatchObject({ model: 'mlp-gan', backend: 'cpu', threads: 1, batchSize: 256, steps: 2, tensorGrowth: 0 });
    for (const value of [mlp.medianStepMs, mlp.samplesPerSecond, mlp.cpuMsPerStep, mlp.peakRssMb, mlp.tensorMb, mlp.peakTensorMb]) expect(value).toBeGreaterThan(0);
    expect(mlp.loadAverage).toBeGreaterThanOrEqual(0);
    expect(mlp.samplesPerSecond).toBeCloseTo((256 * 1000) / mlp.medianStepMs, 6);
    expect(mlp.peakTensorMb).toBeGreaterThanOrEqual(mlp.tensorMb);
    expect(mlp.speedupVsBaseline).toBeNaN(); // no wasm (lowered) row in this run
    // DCGAN is not timed on cpu by default; its row says so.
    expect(dcganRow).toMatchObject({ model: 'dcgan', backend: 'cpu', steps: 0 });
    expect(dcganRow.note).toMatch(/not timed on cpu/);

    const mdRow = result.markdown.split('\n').find((line) => line.startsWith('| mlp-gan | cpu |'))!;
    const cells = mdRow.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells).toHaveLength(BENCH_COLUMNS.length);
    expect(Number(cells[BENCH_COLUMNS.indexOf('median (ms)')])).toBeCloseTo(mlp.medianStepMs, 1);
    expect(Number(cells[BENCH_COLUMNS.indexOf('samples/s')])).toBeGreaterThan(0);
    expect(cells[BENCH_COLUMNS.indexOf('tensors held / peak (MB)')]).toMatch(/^[\d.]+ \/ [\d.]+$/);

    const [long] = result.longRuns;
    expect(long).toMatchObject({ model: 'mlp-gan', backend: 'cpu', steps: 4 });
    expect(long.at100.step).toBe(4); // a run shorter than 100 steps compares its end
    expect(long.end.step).toBe(4);
    expect(long.points.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(long.end.tensors).toBe(long.points[0].tensors);
    expect(result.markdown).toContain('## Memory over long runs');

    const json = JSON.parse(fs.readFileSync(path.join(out, 'bench.json'), 'utf8'));
    expect(json.rows[0].medianStepMs).toBeCloseTo(mlp.medianStepMs, 6);
    expect(json.rows[1].medianStepMs).toBeNull();
    expect(json.machine.loadAverageEnd).toHaveLength(3);
    expect(fs.readFileSync(path.join(out, 'bench.md'), 'utf8')).toBe(result.markdown);
    expect(lines.some((line) => /mlp-gan on cpu: median [\d.]+ ms over 2 calls/.test(line))).toBe(true);
    fs.rmSync(out, { recursive: true, force: true });
  }, 60_000);

});
