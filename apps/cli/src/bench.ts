import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { ArgumentError, Rng, expectInteger, expectNumber, setWasmKernelThreads, setWasmKernelVariant, stopWasmKernelThreads, wasmKernelInfo, type Batch, type WasmKernelVariant } from '@tfgen/core';
import { selectBackend } from './backend';
import { BENCH_DCGAN_WIDTH, BENCH_MODEL_NAMES, BENCH_MODELS, benchModel, type BenchModel, type BenchWorkload } from './bench-workloads';
import { benchMarkdown, formatRate } from './bench-report';

export { BENCH_MODELS, BENCH_MODEL_NAMES } from './bench-workloads';
export { benchMarkdown } from './bench-report';

/**
 * A backend the bench times on: `wasm-fast` / `wasm-lowered` pick @tfgen/core's wasm kernel
 * variant (`setWasmKernelVariant`), `wasm-fast1` the fast kernels on one thread, `wasm` means
 * fast and lowered; others are plain tfjs backends.
 */
export const BENCH_BACKENDS = ['wasm', 'wasm-fast', 'wasm-fast1', 'wasm-lowered', 'cpu', 'webgpu', 'tensorflow'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

/** The label of the baseline every row's speed-up is measured against. */
export const BASELINE_BACKEND = 'wasm (lowered)';

/** The backend label of the PyTorch reference rows. */
export const PYTORCH_BACKEND = 'PyTorch (apps/cli/bench/pytorch_dcgan.py)';

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Most timed calls per model and backend (default 20); a row stops earlier when its time budget is spent. */
  readonly steps?: number;
  /** Seconds of timed calls per row (default 20); at least one call is timed. */
  readonly rowSeconds?: number;
  /** Steps of the long mlp-gan run: tensors and RSS at step 100 vs its end (default 10,000; 0 skips). */
  readonly longSteps?: number;
  /** Steps of a long DCGAN run (default 0: skipped). */
  readonly longDcganSteps?: number;
  /** Backends (default `wasm,cpu`). */
  readonly backends?: readonly string[];
  /** Models (default: all of {@link BENCH_MODEL_NAMES}). */
  readonly models?: readonly string[];
  /** Models also timed on the cpu backend (default: those not marked slow on cpu). */
  readonly cpuModels?: readonly string[];
  /** Folder for `bench.md` and `bench.json` (default `docs/results/bench`). */
  readonly out?: string;
  /** Run the PyTorch DCGAN reference when `/usr/bin/python3` has torch (default true). */
  readonly pytorch?: boolean;
  readonly log?: (line: string) => void;
}

/** One measured row: a model on a backend (or the PyTorch reference). */
export interface BenchRow {
  readonly model: string;
  /** `wasm (fast)`, `wasm (lowered)`, `cpu`, `PyTorch (OpenBLAS)`, ... */
  readonly backend: string;
  readonly threads: number;
  readonly batchSize: number;
  /** Timed calls (steps, or generation calls). */
  readonly steps: number;
  readonly medianStepMs: number;
  readonly samplesPerSecond: number;
  /** Generation: median call time over its sequential steps (ms per pixel or per audio step). */
  readonly perSequentialStepMs?: number;
  /** Process CPU time per timed call (all threads): above the wall time when threads work, below when the process waited for a core. */
  readonly cpuMsPerStep: number;
  /** Highest process RSS seen after a call. */
  readonly peakRssMb: number;
  /** The machine's 1-minute load average when the row finished (the bench shares the machine with whatever else runs). */
  readonly loadAverage: number;
  /** Tensor memory held between calls (weights, optimizer slots). */
  readonly tensorMb: number;
  /** Highest tensor memory inside one (profiled, untimed warm-up) call. */
  readonly peakTensorMb: number;
  /** Live tensors after the timed calls minus after the warm-up: 0 when calls leak nothing. */
  readonly tensorGrowth: number;
  /** Median time of the {@link BASELINE_BACKEND} row of the same model divided by this row's: > 1 is faster. */
  readonly speedupVsBaseline: number;
  /** DCGAN rows: this row's median over PyTorch's with the same thread count (the issue's bar: <= 1.5). */
  readonly timeVsPytorch: number;
  readonly note?: string;
}

/** Memory at one point of a long run. */
export interface LongRunPoint {
  readonly step: number;
  readonly tensors: number;
  readonly tensorMb: number;
  readonly rssMb: number;
}

/** A long run checking that tensors and RSS stay flat. */
export interface BenchLongRun {
  readonly model: string;
  readonly backend: string;
  readonly steps: number;
  readonly seconds: number;
  /** Memory after step 100 (after the last step when the run is shorter). */
  readonly at100: LongRunPoint;
  /** Memory after the last step. */
  readonly end: LongRunPoint;
  /** Memory after every tenth of the run. */
  readonly points: LongRunPoint[];
}

/** The machine and software a run measured, so runs can be compared. */
export interface BenchMachine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly node: string;
  readonly platform: string;
  readonly tfjsCore: string;
  readonly tfjsLayers: string;
  readonly tfjsWasm: string;
  readonly gitCommit: string | null;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly processCpuSeconds: number;
  /** @tfgen/core's `wasmKernelInfo()` per wasm row label (`{ variant, threads, kernels }`). */
  readonly wasmKernels: Record<string, unknown>;
}

/** The PyTorch reference runs, one per thread count. */
export type PytorchRun =
  | { readonly threads: number; readonly medianStepMs: number; readonly cpuMsPerStep: number; readonly steps: number; readonly torch: string; readonly blas: string }
  | { readonly threads: number; readonly skipped: string };

/** What {@link runBench} measured. */
export interface BenchResult {
  readonly machine: BenchMachine;
  readonly settings: BenchSettings;
  readonly rows: BenchRow[];
  readonly pytorch: PytorchRun[];
  readonly longRuns: BenchLongRun[];
  readonly markdown: string;
  /** The folder with bench.md and bench.json. */
  readonly out: string;
}

/** The resolved options, echoed in the report. */
export interface BenchSettings {
  readonly steps: number;
  readonly rowSeconds: number;
  readonly longSteps: number;
  readonly longDcganSteps: number;
  readonly backends: readonly string[];
  readonly models: readonly string[];
  readonly cpuModels: readonly string[];
  readonly pytorch: boolean;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const mb = (bytes: number) => bytes / (1024 * 1024);
const rssMb = () => mb(process.memoryUsage().rss);

/** A backend as timed: tfjs backend, optional wasm kernel variant and thread count, its table label. */
interface BackendPlan {
  readonly tfjs: string;
  readonly variant?: WasmKernelVariant;
  /** Threads of the fast kernels (default: @tfgen/core's, min(2, cores)). */
  readonly threads?: number;
  readonly label: string;
}

function planBackends(requested: readonly string[]): BackendPlan[] {
  const plans: BackendPlan[] = [];
  const add = (plan: BackendPlan) => {
    if (!plans.some((p) => p.label === plan.label)) plans.push(plan);
  };
  for (const name of requested) {
    if (!(BENCH_BACKENDS as readonly string[]).includes(name)) throw new ArgumentError('--backends', `names from ${BENCH_BACKENDS.join(', ')}`, name);
    if (name === 'wasm' || name === 'wasm-fast') add({ tfjs: 'wasm', variant: 'fast', label: 'wasm (fast)' });
    if (name === 'wasm-fast1') add({ tfjs: 'wasm', variant: 'fast', threads: 1, label: 'wasm (fast, 1 thread)' });
    if (name === 'wasm' || name === 'wasm-lowered') add({ tfjs: 'wasm', variant: 'lowered', label: BASELINE_BACKEND });
    if (!name.startsWith('wasm')) add({ tfjs: name, label: name });
  }
  return plans;
}

const DEFAULT_FAST_THREADS = Math.min(2, os.cpus().length);

/** Selects the plan's backend (and wasm kernel variant); returns the threads it computes with, or why it cannot run as asked. */
async function activate(plan: BackendPlan): Promise<{ threads: number } | { unavailable: string }> {
  await selectBackend(plan.tfjs as never);
  if (plan.tfjs !== 'wasm' || !plan.variant) return { threads: 1 }; // tfjs' cpu backend is single-threaded JavaScript
  setWasmKernelThreads(plan.threads ?? DEFAULT_FAST_THREADS);
  setWasmKernelVariant(plan.variant);
  const info = wasmKernelInfo();
  if (info.variant !== plan.variant) return { unavailable: `asked for the ${plan.variant} wasm kernels, got ${info.variant}${info.reason ? `: ${info.reason}` : ''}` };
  return { threads: info.threads };
}

async function disposeResult(value: unknown): Promise<void> {
  const resolved = await value;
  if (resolved instanceof tf.Tensor) resolved.dispose();
}

interface TimedRow {
  steps: number;
  medianStepMs: number;
  cpuMsPerStep: number;
  peakRssMb: number;
  tensorMb: number;
  peakTensorMb: number;
  tensorGrowth: number;
  note?: string;
}

/**
 * Times one workload: a warm-up call (profiled for the peak tensor bytes unless the workload
 * opts out), then timed calls until
 * `steps` or `rowSeconds` is reached. When the warm-up alone exceeds the budget, it is the only
 * measurement (noted).
 */
async function timeWorkload(workload: BenchWorkload, steps: number, rowSeconds: number, seed: number): Promise<TimedRow> {
  const rng = new Rng(seed);
  let step = 0;
  let peakRss = rssMb();
  const callOnce = async (): Promise<{ ms: number; cpuMs: number }> => {
    const batch: Batch | null = workload.nextBatch();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    try {
      await disposeResult(workload.call(batch, step, rng));
    } finally {
      if (batch) tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
    }
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    step++;
    peakRss = Math.max(peakRss, rssMb());
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  let warmup = { ms: 0, cpuMs: 0 };
  let peakBytes = NaN;
  if (workload.profileWarmup === false) {
    warmup = await callOnce();
  } else {
    const profile = await tf.profile(async () => {
      warmup = await callOnce();
      return [];
    });
    peakBytes = profile.peakBytes;
  }
  const tensorsAfterWarmup = tf.memory().numTensors;
  const times: number[] = [];
  let cpuTotal = 0;
  let note: string | undefined;
  if (warmup.ms >= rowSeconds * 1000) {
    times.push(warmup.ms);
    cpuTotal = warmup.cpuMs;
    note = `one call (the profiled warm-up: ${(warmup.ms / 1000).toFixed(1)} s) exceeded the ${rowSeconds} s row budget`;
  } else {
    const budgetMs = rowSeconds * 1000;
    let spent = 0;
    while (times.length < steps && (times.length === 0 || spent < budgetMs)) {
      const { ms, cpuMs } = await callOnce();
      times.push(ms);
      cpuTotal += cpuMs;
      spent += ms;
    }
  }
  return {
    steps: times.length,
    medianStepMs: median(times),
    cpuMsPerStep: cpuTotal / times.length,
    peakRssMb: peakRss,
    tensorMb: mb(tf.memory().numBytes),
    peakTensorMb: mb(peakBytes),
    tensorGrowth: tf.memory().numTensors - tensorsAfterWarmup,
    note,
  };
}

async function benchRow(name: string, model: BenchModel, plan: BackendPlan, threads: number, steps: number, rowSeconds: number): Promise<Omit<BenchRow, 'speedupVsBaseline' | 'timeVsPytorch'>> {
  const workload = model.build();
  try {
    const timed = await timeWorkload(workload, steps, rowSeconds, 7);
    return {
      model: name,
      backend: plan.label,
      threads,
      batchSize: model.batchSize,
      ...timed,
      samplesPerSecond: (1000 * workload.samplesPerCall) / timed.medianStepMs,
      ...(workload.sequentialSteps ? { perSequentialStepMs: timed.medianStepMs / workload.sequentialSteps } : {}),
      loadAverage: os.loadavg()[0],
    };
  } finally {
    workload.dispose();
  }
}

/** Runs `steps` calls of a workload, recording memory after step 100 (or the end), every tenth, and the end. */
async function longRun(name: string, plan: BackendPlan, steps: number, log: (line: string) => void): Promise<BenchLongRun> {
  const workload = benchModel(name).build();
  const rng = new Rng(11);
  const tenths = new Set(Array.from({ length: 10 }, (_, i) => Math.max(1, Math.round(((i + 1) * steps) / 10))));
  const points: LongRunPoint[] = [];
  let at100: LongRunPoint | undefined;
  const start = performance.now();
  try {
    for (let step = 1; step <= steps; step++) {
      const batch = workload.nextBatch();
      try {
        await disposeResult(workload.call(batch, step - 1, rng));
      } finally {
        if (batch) tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
      }
      const now = () => ({ step, tensors: tf.memory().numTensors, tensorMb: mb(tf.memory().numBytes), rssMb: rssMb() });
      if (step === Math.min(100, steps)) at100 = now();
      if (tenths.has(step)) {
        const point = now();
        points.push(point);
        log(`bench: ${name} step ${step}/${steps}: ${point.tensors} tensors, ${point.tensorMb.toFixed(2)} tensor MB, RSS ${point.rssMb.toFixed(0)} MB, ${((performance.now() - start) / 1000).toFixed(0)} s`);
      }
    }
  } finally {
    workload.dispose();
  }
  return { model: name, backend: plan.label, steps, seconds: (performance.now() - start) / 1000, at100: at100!, end: points[points.length - 1], points };
}

/** Finds the PyTorch DCGAN reference script (`bench/pytorch_dcgan.py` of this app). */
export function findPytorchScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../bench/pytorch_dcgan.py'), path.resolve('apps/cli/bench/pytorch_dcgan.py'), path.resolve('bench/pytorch_dcgan.py')];
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

/** Runs the PyTorch DCGAN with `threads` intra-op threads (OpenBLAS kept at one thread: both at 2 fight). */
export function runPytorch(threads: number, steps: number, python = '/usr/bin/python3'): PytorchRun {
  const script = findPytorchScript();
  if (!script) return { threads, skipped: 'apps/cli/bench/pytorch_dcgan.py not found' };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { threads, skipped: `${python} cannot import torch (Debian: apt-get install python3-torch libopenblas0-pthread)` };
  const result = spawnSync(python, [script, '--steps', String(steps), '--threads', String(threads), '--width', String(BENCH_DCGAN_WIDTH), '--batch', '64'], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads) },
    timeout: 600_000,
  });
  const line = /^result=(.*)$/m.exec(result.stdout ?? '');
  if (result.status !== 0 || !line) return { threads, skipped: `the PyTorch script failed: ${(result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n').pop()}` };
  const parsed = JSON.parse(line[1]) as { median_step_ms: number; cpu_ms_per_step: number; steps: number; threads: number; torch: string; blas: string };
  return { threads: parsed.threads, medianStepMs: parsed.median_step_ms, cpuMsPerStep: parsed.cpu_ms_per_step, steps: parsed.steps, torch: parsed.torch, blas: parsed.blas };
}

function gitCommit(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * The performance suite (issue 10): per model and backend, the median step (or generation) time,
 * samples/s, CPU time, peak RSS and tensor memory, the speed-up over the lowered-wasm baseline
 * measured in the same run and, for DCGAN, the time relative to a layer-for-layer PyTorch
 * reference with the same thread count; then long runs showing tensors and RSS stay flat.
 * Prints the machine (cpus, load average at start and end) and versions, and writes
 * `bench.md` and `bench.json` into `out`.
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const models = [...(options.models ?? BENCH_MODEL_NAMES)];
  const settings: BenchSettings = {
    steps: expectInteger(options.steps ?? 20, 'steps', 1),
    rowSeconds: expectNumber(options.rowSeconds ?? 20, 'rowSeconds', 0, Infinity, true),
    longSteps: expectInteger(options.longSteps ?? 10_000, 'longSteps', 0),
    longDcganSteps: expectInteger(options.longDcganSteps ?? 0, 'longDcganSteps', 0),
    backends: [...(options.backends ?? ['wasm', 'cpu'])],
    models,
    cpuModels: [...(options.cpuModels ?? BENCH_MODEL_NAMES.filter((name) => !BENCH_MODELS[name].slowOnCpu))],
    pytorch: options.pytorch ?? true,
  };
  const specs = models.map((name) => [name, benchModel(name)] as const);
  settings.cpuModels.forEach((name) => benchModel(name));
  const plans = planBackends(settings.backends);
  const startedAt = new Date();
  const loadAverageStart = os.loadavg();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const wasmKernels: Record<string, unknown> = {};
  log(`bench: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadAverageStart.map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}, tfjs ${tf.version_core}`);
  log(`bench: backends ${plans.map((p) => p.label).join(', ')}; models ${models.join(', ')}`);

  type Measured = Omit<BenchRow, 'speedupVsBaseline' | 'timeVsPytorch'>;
  const measured: Measured[] = [];
  const skippedRow = (name: string, model: BenchModel, plan: BackendPlan, threads: number, note: string): Measured => ({
    model: name, backend: plan.label, threads, batchSize: model.batchSize, steps: 0, medianStepMs: NaN, samplesPerSecond: NaN, cpuMsPerStep: NaN,
    peakRssMb: NaN, tensorMb: NaN, peakTensorMb: NaN, tensorGrowth: NaN, loadAverage: os.loadavg()[0], note,
  });
  const pytorch: PytorchRun[] = [];
  /** Right after tfgen's DCGAN rows, so both see the same machine load: PyTorch at 1, 2 and tfgen's thread counts. */
  const runPytorchReferences = () => {
    const dcganThreads = measured.filter((r) => r.model === 'dcgan' && r.threads > 0).map((r) => r.threads);
    for (const threads of [...new Set([1, 2, ...dcganThreads])].sort((a, b) => a - b)) {
      log(`bench: PyTorch DCGAN reference, ${threads} thread${threads === 1 ? '' : 's'}...`);
      const run = runPytorch(threads, settings.steps);
      pytorch.push(run);
      if ('skipped' in run) {
        log(`bench: PyTorch: skipped, ${run.skipped}`);
        continue;
      }
      log(`bench: PyTorch: median ${run.medianStepMs.toFixed(1)} ms (CPU ${run.cpuMsPerStep.toFixed(0)} ms/step; torch ${run.torch}, ${run.blas})`);
      measured.push({
        model: 'dcgan', backend: PYTORCH_BACKEND, threads: run.threads, batchSize: 64, steps: run.steps, medianStepMs: run.medianStepMs,
        samplesPerSecond: (64 * 1000) / run.medianStepMs, cpuMsPerStep: run.cpuMsPerStep, peakRssMb: NaN, tensorMb: NaN, peakTensorMb: NaN, tensorGrowth: NaN,
        loadAverage: os.loadavg()[0], note: `torch ${run.torch}, BLAS ${run.blas}`,
      });
    }
  };
  try {
    for (const [name, model] of specs) {
      for (const plan of plans) {
        if (plan.tfjs === 'cpu' && !settings.cpuModels.includes(name)) {
          measured.push(skippedRow(name, model, plan, 1, `not timed on cpu (--cpu-models): ${model.slowOnCpu ?? 'not requested'}`));
          continue;
        }
        const active = await activate(plan);
        if ('unavailable' in active) {
          measured.push(skippedRow(name, model, plan, 0, active.unavailable));
          log(`bench: ${name} on ${plan.label}: skipped, ${active.unavailable}`);
          continue;
        }
        if (plan.variant) wasmKernels[plan.label] = wasmKernelInfo();
        log(`bench: ${name} on ${plan.label} (${active.threads} thread${active.threads === 1 ? '' : 's'})...`);
        const row = await benchRow(name, model, plan, active.threads, settings.steps, settings.rowSeconds);
        measured.push(row);
        log(
          `bench: ${name} on ${plan.label}: median ${row.medianStepMs.toFixed(1)} ms over ${row.steps} calls (CPU ${row.cpuMsPerStep.toFixed(0)} ms/call), ` +
            `${formatRate(row.samplesPerSecond)} ${model.unit}/s, peak RSS ${row.peakRssMb.toFixed(0)} MB`,
        );
      }
      if (name === 'dcgan' && settings.pytorch) runPytorchReferences();
    }

    if (!settings.pytorch || !models.includes('dcgan')) {
      pytorch.push({ threads: 0, skipped: settings.pytorch ? 'dcgan is not among the models' : 'not requested (--no-pytorch)' });
    }
    const rows = withRatios(measured, pytorch);

    const longRuns: BenchLongRun[] = [];
    // The long runs use the first backend that can run (the fast wasm kernels by default).
    for (const [name, steps] of [['mlp-gan', settings.longSteps], ['dcgan', settings.longDcganSteps]] as const) {
      if (steps === 0) continue;
      let plan: BackendPlan | undefined;
      for (const candidate of plans) {
        if (!('unavailable' in (await activate(candidate)))) {
          plan = candidate;
          break;
        }
      }
      if (!plan) break;
      log(`bench: long run, ${name} on ${plan.label}, ${steps} steps...`);
      const run = await longRun(name, plan, steps, log);
      longRuns.push(run);
      const { at100, end } = run;
      log(`bench: ${name}: live tensors ${at100.tensors} at step ${at100.step} -> ${end.tensors} at step ${end.step}; RSS ${at100.rssMb.toFixed(0)} -> ${end.rssMb.toFixed(0)} MB (${run.seconds.toFixed(0)} s)`);
    }

    const cpu = process.cpuUsage(cpuStart);
    const machine: BenchMachine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: os.totalmem() / 1024 ** 3,
      loadAverageStart,
      loadAverageEnd: os.loadavg(),
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      tfjsCore: tf.version_core,
      tfjsLayers: tfl.version_layers,
      tfjsWasm: version_wasm,
      gitCommit: gitCommit(),
      startedAt: startedAt.toISOString(),
      wallSeconds: (performance.now() - wallStart) / 1000,
      processCpuSeconds: (cpu.user + cpu.system) / 1e6,
      wasmKernels,
    };
    const markdown = benchMarkdown({ machine, settings, rows, pytorch, longRuns });
    const out = path.resolve(options.out ?? 'docs/results/bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'bench.md'), markdown);
    // JSON has no NaN: unmeasured numbers become null.
    const json = JSON.stringify({ machine, settings, rows, pytorch, longRuns }, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
    fs.writeFileSync(path.join(out, 'bench.json'), `${json}\n`);
    log('');
    log(markdown);
    log(`bench: bench.md and bench.json written to ${out}`);
    return { machine, settings, rows, pytorch, longRuns, markdown, out };
  } finally {
    // The fast kernels' worker threads do not keep Node alive, but free them for whoever runs next.
    stopWasmKernelThreads();
  }
}

/**
 * Adds the ratio columns: the speed-up over the {@link BASELINE_BACKEND} row of the same model,
 * and for DCGAN rows the time over PyTorch's with the same thread count.
 */
export function withRatios(rows: readonly Omit<BenchRow, 'speedupVsBaseline' | 'timeVsPytorch'>[], pytorch: readonly PytorchRun[]): BenchRow[] {
  return rows.map((row) => {
    const baseline = rows.find((r) => r.model === row.model && r.backend === BASELINE_BACKEND);
    const reference = pytorch.find((p) => p.threads === row.threads && 'medianStepMs' in p) as { medianStepMs: number } | undefined;
    return {
      ...row,
      speedupVsBaseline: baseline ? baseline.medianStepMs / row.medianStepMs : NaN,
      timeVsPytorch: row.model === 'dcgan' && reference ? row.medianStepMs / reference.medianStepMs : NaN,
    };
  });
}
