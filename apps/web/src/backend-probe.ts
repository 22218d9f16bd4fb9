import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ORDER, BackendError, Rng, expectInteger, initBackend, type BackendName, type BackendReport } from '@tfgen/core';
import type { BackendChoice } from './protocol';

/** One candidate's timed probe: median milliseconds of one training-like step, or why it could not run. */
export interface BackendProbe {
  name: BackendName;
  ok: boolean;
  /** Median wall time of one probe step (after warm-up), when `ok`. */
  ms?: number;
  error?: string;
}

/** What a worker reports after choosing: `initBackend`'s report, plus the probe times when the choice was automatic. */
export interface BackendChoiceReport {
  report: BackendReport;
  probes: BackendProbe[] | null;
}

/** Options of {@link probeBackends}. */
export interface ProbeBackendsOptions {
  /** Candidates in order (default: the browser order WebGPU, WebGL, wasm, cpu). */
  candidates?: readonly BackendName[];
  /** How to load each backend package (see `initBackend`). */
  loaders?: Partial<Record<BackendName, () => Promise<unknown>>>;
  /** Timed repetitions per backend after two warm-up runs (default 5). */
  repeats?: number;
}

/**
 * A few milliseconds of what training does: a strided 4x4 conv with both its gradients (the
 * DCGAN discriminator's core) and a two-layer MLP's forward and backward pass (the 2D lab),
 * read back to the CPU so asynchronous backends are timed to completion.
 */
function probeStep(inputs: { x: tf.Tensor4D; filter: tf.Tensor4D; a: tf.Tensor2D; w: tf.Tensor2D }): void {
  tf.tidy(() => {
    const convLoss = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(x, f, 2, 'same')));
    const [gx, gf] = tf.grads((x: tf.Tensor, f: tf.Tensor) => convLoss(x as tf.Tensor4D, f as tf.Tensor4D))([inputs.x, inputs.filter]);
    const mlpLoss = (w: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.relu(tf.matMul(inputs.a, w as tf.Tensor2D)), w as tf.Tensor2D)));
    const gw = tf.grad(mlpLoss)(inputs.w);
    tf.stack([tf.sum(gx), tf.sum(gf), tf.sum(gw)]).dataSync();
  });
}

/** Median of the timed probe steps on the active backend, in milliseconds. */
function timeProbe(repeats: number): number {
  const rng = new Rng(7);
  const inputs = {
    x: tf.tensor4d(rng.normalArray(16 * 14 * 14 * 16), [16, 14, 14, 16]),
    filter: tf.tensor4d(rng.normalArray(4 * 4 * 16 * 32, 0, 0.05), [4, 4, 16, 32]),
    a: tf.tensor2d(rng.normalArray(128 * 64), [128, 64]),
    w: tf.tensor2d(rng.normalArray(64 * 64, 0, 0.1), [64, 64]),
  };
  try {
    // Warm-up: shader compilation (WebGL, WebGPU) and first-call allocations are not the steady state.
    probeStep(inputs);
    probeStep(inputs);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      probeStep(inputs);
      times.push(performance.now() - start);
    }
    times.sort((p, q) => p - q);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    tf.dispose(Object.values(inputs));
  }
}

/** The fastest working probe; ties go to the earlier candidate. Throws a {@link BackendError} when none worked. */
export function fastestProbe(probes: readonly BackendProbe[]): BackendProbe {
  let best: BackendProbe | null = null;
  for (const probe of probes) {
    if (probe.ok && probe.ms !== undefined && (best === null || probe.ms < best.ms!)) best = probe;
  }
  if (!best) throw new BackendError('backend', 'one candidate backend to work', 'none worked', probes.map((p) => `${p.name}: ${p.error}`).join('; '));
  return best;
}

/** `wasm 3.1 ms, webgl 9.0 ms, webgpu unavailable`: the probe times as one line. */
export function describeProbes(probes: readonly BackendProbe[]): string {
  return probes.map((p) => (p.ok ? `${p.name} ${p.ms!.toFixed(1)} ms` : `${p.name} unavailable`)).join(', ');
}

/**
 * Measures instead of assuming: initializes each candidate (WebGPU, WebGL, wasm, cpu by default)
 * through `initBackend` (which also checks a conv and its gradient compute correct numbers), times a
 * short training-like probe on each working one, and leaves the fastest active. Returns its report
 * (the reason lists every probe time) and the probes.
 *
 * @example
 * const { report, probes } = await probeBackends({ loaders }); // report.name: e.g. 'wasm'
 */
export async function probeBackends(options: ProbeBackendsOptions = {}): Promise<BackendChoiceReport & { probes: BackendProbe[] }> {
  const candidates = options.candidates ?? BACKEND_ORDER.browser;
  const repeats = expectInteger(options.repeats ?? 5, 'options.repeats', 1, 100);
  const probes: BackendProbe[] = [];
  for (const name of candidates) {
    try {
      await initBackend({ prefer: name, loaders: options.loaders });
      probes.push({ name, ok: true, ms: timeProbe(repeats) });
    } catch (error) {
      probes.push({ name, ok: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  const best = fastestProbe(probes);
  const report = await initBackend({ prefer: best.name, loaders: options.loaders });
  return {
    report: { ...report, reason: `fastest in a timed probe (${describeProbes(probes)})`, tried: probes.map(({ name, ok, error }) => (ok ? { name, ok } : { name, ok, error })) },
    probes,
  };
}

/** A worker's backend choice: `auto` measures ({@link probeBackends}); a name asks `initBackend` for exactly that one. */
export async function chooseBackend(choice: BackendChoice, loaders: ProbeBackendsOptions['loaders']): Promise<BackendChoiceReport> {
  if (choice === 'auto') return probeBackends({ loaders });
  return { report: await initBackend({ prefer: choice, loaders }), probes: null };
}
