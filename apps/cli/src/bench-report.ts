import type { BenchLongRun, BenchMachine, BenchRow, BenchSettings, PytorchRun } from './bench';
import { BENCH_MODELS } from './bench-workloads';

/** Everything {@link benchMarkdown} reports. */
export interface BenchReportInput {
  readonly machine: BenchMachine;
  readonly settings: BenchSettings;
  readonly rows: readonly BenchRow[];
  readonly pytorch: readonly PytorchRun[];
  readonly longRuns: readonly BenchLongRun[];
}

/** The columns of the bench table, in order. */
export const BENCH_COLUMNS = [
  'model',
  'backend',
  'threads',
  'batch',
  'calls',
  'median (ms)',
  'samples/s',
  'per pixel/step (ms)',
  'CPU ms/call',
  'peak RSS (MB)',
  'tensors held / peak (MB)',
  'tensor growth',
  'load 1m',
  'x faster than wasm (lowered)',
  'time / PyTorch (same threads)',
  'note',
] as const;

const fmt = (value: number | undefined, digits = 1) => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '');

/** A rate with sensible digits: 20480, 48.7, 0.021. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(1);
  return value.toPrecision(2);
}

/** The command line that repeats a run with these settings. */
export function benchCommand(settings: BenchSettings): string {
  return [
    'tfgen bench',
    `--steps ${settings.steps}`,
    `--row-seconds ${settings.rowSeconds}`,
    `--long-steps ${settings.longSteps}`,
    `--long-dcgan-steps ${settings.longDcganSteps}`,
    `--backends ${settings.backends.join(',')}`,
    `--models ${settings.models.join(',')}`,
    `--cpu-models ${settings.cpuModels.join(',') || 'none'}`,
    ...(settings.pytorch ? [] : ['--no-pytorch']),
  ].join(' ');
}

/** The markdown report: machine and versions, one table row per model and backend, PyTorch runs, long runs. */
export function benchMarkdown(report: BenchReportInput): string {
  const { machine, settings, rows, pytorch, longRuns } = report;
  const load = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  const lines = [
    '# tfgen bench',
    '',
    `Command: \`${benchCommand(settings)}\``,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb.toFixed(0)} GB; load average (1/5/15 min) ${load(machine.loadAverageStart)} at the start, ${load(machine.loadAverageEnd)} at the end. ` +
      `Node ${machine.node} (${machine.platform}), tfjs-core ${machine.tfjsCore}, tfjs-layers ${machine.tfjsLayers}, tfjs-backend-wasm ${machine.tfjsWasm}` +
      `${machine.gitCommit ? `, tfgen ${machine.gitCommit}` : ''}. Started ${machine.startedAt}; ${machine.wallSeconds.toFixed(0)} s wall, ${machine.processCpuSeconds.toFixed(0)} s process CPU (Node only).`,
    '',
    `wasm kernels (@tfgen/core wasmKernelInfo): ${Object.entries(machine.wasmKernels).map(([label, info]) => `${label}: ${JSON.stringify(info)}`).join('; ') || 'wasm not timed'}.`,
    '',
    'A call is one training step (GANs: every discriminator update of the recipe, then one generator update) or one generation. ' +
      'Median over the timed calls after one profiled warm-up call; a row stops after its time budget. samples/s counts examples (training), images or audio samples (generation). ' +
      'CPU ms/call is the process CPU time (all threads). Tensors held = tensor memory between calls; peak = inside the warm-up call (tf.profile; generation runs too many kernels to profile). RSS is the whole process (the wasm heap never shrinks, so it carries earlier rows). ' +
      'Tensor growth = live tensors after the timed calls minus after the warm-up (0: no leak). Load 1m = the 1-minute load average when the row ended. ' +
      '"x faster" = the wasm (lowered) row\'s median (today\'s best tfjs path, same run) over this row\'s; "time / PyTorch" = this row\'s median over the PyTorch DCGAN with the same thread count.',
    '',
    `| ${BENCH_COLUMNS.join(' | ')} |`,
    `| ${BENCH_COLUMNS.map((c) => (c === 'model' || c === 'backend' || c === 'note' ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) =>
      [
        r.model,
        r.backend,
        String(r.threads),
        String(r.batchSize),
        String(r.steps),
        fmt(r.medianStepMs),
        formatRate(r.samplesPerSecond),
        fmt(r.perSequentialStepMs, 2),
        fmt(r.cpuMsPerStep),
        fmt(r.peakRssMb, 0),
        Number.isFinite(r.tensorMb) ? `${fmt(r.tensorMb)} / ${Number.isFinite(r.peakTensorMb) ? fmt(r.peakTensorMb) : 'not profiled'}` : '',
        Number.isFinite(r.tensorGrowth) ? String(r.tensorGrowth) : '',
        fmt(r.loadAverage),
        fmt(r.speedupVsBaseline, 2),
        fmt(r.timeVsPytorch, 2),
        r.note ?? '',
      ].join(' | '),
    ).map((line) => `| ${line} |`),
    '',
    'Models:',
    ...[...new Set(rows.map((r) => r.model))].map((name) => `- ${name}: ${BENCH_MODELS[name]?.description ?? ''}`),
  ];
  const skipped = pytorch.filter((p): p is Extract<PytorchRun, { skipped: string }> => 'skipped' in p);
  if (skipped.length > 0) lines.push('', ...skipped.map((p) => `PyTorch DCGAN reference${p.threads ? ` (${p.threads} threads)` : ''}: skipped (${p.skipped}).`));
  if (longRuns.length > 0) {
    lines.push(
      '',
      '## Memory over long runs',
      '',
      '| model | backend | steps | seconds | live tensors at step 100 / end | tensor MB at step 100 / end | RSS MB at step 100 / end | RSS MB at every tenth |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...longRuns.map((run) => {
        const { at100, end } = run;
        const tenths = run.points.map((p) => `${p.step}: ${p.rssMb.toFixed(0)}`).join(', ');
        return `| ${run.model} | ${run.backend} | ${run.steps} | ${run.seconds.toFixed(0)} | ${at100.tensors} (step ${at100.step}) / ${end.tensors} | ${at100.tensorMb.toFixed(2)} / ${end.tensorMb.toFixed(2)} | ${at100.rssMb.toFixed(0)} / ${end.rssMb.toFixed(0)} | ${tenths} |`;
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
