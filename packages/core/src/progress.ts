import { expectInteger } from './errors';
import type { TrainerCallback } from './trainer';
import type { StepMetrics } from './types';

/** Options of {@link progressCallback}. */
export interface ProgressOptions {
  /** Where text goes. Default `process.stdout.write` (or `console.log` lines where there is no process). */
  readonly write?: (text: string) => void;
  /** One updating line with a bar (true) or plain lines (false). Default: stdout is a TTY and `CI` is not set. */
  readonly tty?: boolean;
  /** Plain mode: print every this many steps (and the last). Default: about 20 lines per run. */
  readonly every?: number;
  /** Metrics to show, in order. Default: all of them. */
  readonly metrics?: readonly string[];
}

/**
 * Shows training progress: `step 120/1000  loss/generator=0.6931  12.3 steps/s  ETA 1m12s`.
 * On a terminal it redraws one line with a bar; in CI, logs and pipes it prints plain lines.
 */
export function progressCallback(options: ProgressOptions = {}): TrainerCallback {
  const proc = (globalThis as { process?: { stdout?: { isTTY?: boolean; write?: (s: string) => unknown }; env?: Record<string, string | undefined> } }).process;
  const tty = options.tty ?? (Boolean(proc?.stdout?.isTTY) && !proc?.env?.CI);
  const write =
    options.write ?? (proc?.stdout?.write ? (text: string) => void proc.stdout!.write!(text) : (text: string) => console.log(text.replace(/\n$/, '')));
  let every = 1;
  let lastDraw = 0;
  let drewLine = false;
  return {
    onTrainBegin: (info) => {
      const remaining = Math.max(1, info.totalSteps - info.startStep);
      every = options.every !== undefined ? expectInteger(options.every, 'options.every', 1) : Math.max(1, Math.floor(remaining / 20));
      lastDraw = 0;
      drewLine = false;
    },
    onStepEnd: (step, metrics, info) => {
      const elapsed = (now() - info.startTime) / 1000;
      const done = step - info.startStep;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const line = formatProgressLine(step, info.totalSteps, pick(metrics, options.metrics), rate);
      if (tty) {
        const t = now();
        if (t - lastDraw < 100 && step !== info.totalSteps) return;
        lastDraw = t;
        write(`\r${progressBar(step / info.totalSteps, 20)} ${line}\x1b[K`);
        drewLine = true;
      } else if (step % every === 0 || step === info.totalSteps) {
        write(`${line}\n`);
      }
    },
    onRollback: (event) => {
      write(`${tty && drewLine ? '\n' : ''}${event.message}\n`);
      drewLine = false;
    },
    onTrainEnd: (summary) => {
      if (tty && drewLine) write('\n');
      if (summary.stopReason !== 'completed') write(`training ${summary.stopReason} at step ${summary.steps}\n`);
    },
  };
}

/** `step 120/1000  loss=0.6931  12.3 steps/s  ETA 1m12s` (ETA left out while the rate is unknown). */
export function formatProgressLine(step: number, totalSteps: number, metrics: StepMetrics, stepsPerSecond: number): string {
  const parts = [`step ${step}/${totalSteps}`];
  for (const [key, value] of Object.entries(metrics)) parts.push(`${key}=${formatMetric(value)}`);
  if (stepsPerSecond > 0) {
    parts.push(`${stepsPerSecond >= 10 ? stepsPerSecond.toFixed(1) : stepsPerSecond.toPrecision(2)} steps/s`);
    parts.push(`ETA ${formatDuration(Math.max(0, totalSteps - step) / stepsPerSecond)}`);
  }
  return parts.join('  ');
}

/** Human durations: `45s`, `1m12s`, `2h05m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `[######......]` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e5 || abs < 1e-3 ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

function pick(metrics: StepMetrics, keys?: readonly string[]): StepMetrics {
  if (!keys) return metrics;
  const out: StepMetrics = {};
  for (const key of keys) if (key in metrics) out[key] = metrics[key];
  return out;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
