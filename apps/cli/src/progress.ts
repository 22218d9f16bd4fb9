import cliProgress from 'cli-progress';
import { formatDuration, progressCallback, type StepMetrics, type TrainerCallback } from '@tfgen/core';

/** `auto`: a bar on a TTY unless CI=true, plain lines otherwise; `off`: nothing. */
export type ProgressMode = 'auto' | 'bar' | 'plain' | 'off';

/** Whether `auto` means a bar here: stderr is a terminal and CI is not set. */
export function wantsBar(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): boolean {
  if (mode === 'bar') return true;
  if (mode !== 'auto') return false;
  const ci = process.env.CI;
  return Boolean(stream.isTTY) && !(ci && ci !== 'false' && ci !== '0');
}

function shortMetrics(metrics: StepMetrics, keys?: readonly string[]): string {
  const entries = Object.entries(metrics).filter(([key]) => (keys ? keys.includes(key) : !key.startsWith('lr/')));
  return entries.map(([key, value]) => `${key.replace(/^loss\//, '')}=${Number.isFinite(value) ? Number(value.toPrecision(4)) : value}`).join(' ');
}

/**
 * Training progress for the CLI: a cli-progress bar with steps/s, ETA and the latest losses
 * on a terminal; plain `step 120/1000 ... steps/s ETA` lines (about 20 per run) in CI and pipes.
 */
export function cliProgressCallback(mode: ProgressMode = 'auto', options: { metrics?: readonly string[]; label?: string } = {}): TrainerCallback | null {
  if (mode === 'off') return null;
  if (!wantsBar(mode)) {
    const label = options.label ? `${options.label} ` : '';
    const inner = progressCallback({ tty: false, metrics: options.metrics, write: (text) => void process.stdout.write(`${label}${text}`) });
    // Learning rates are constant in most runs: keep them out of the lines unless asked for.
    const strip = (metrics: StepMetrics): StepMetrics => (options.metrics ? metrics : Object.fromEntries(Object.entries(metrics).filter(([key]) => !key.startsWith('lr/'))));
    return {
      onTrainBegin: (info) => inner.onTrainBegin?.(info),
      onStepEnd: (step, metrics, info) => inner.onStepEnd?.(step, strip(metrics), info),
      onRollback: (event, info) => inner.onRollback?.(event, info),
      onTrainEnd: (summary, info) => inner.onTrainEnd?.({ ...summary, metrics: strip(summary.metrics) }, info),
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label ? `${options.label} ` : ''}{bar} {value}/{total} | {rate} steps/s | ETA {eta} | {metrics}`,
      hideCursor: true,
      barsize: 24,
      clearOnComplete: false,
      stream: process.stderr,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onTrainBegin: (info) => {
      bar.start(info.totalSteps, info.startStep, { rate: '-', eta: '?', metrics: '' });
      started = true;
    },
    onStepEnd: (step, metrics, info) => {
      const seconds = (performance.now() - info.startTime) / 1000;
      const rate = seconds > 0 ? (step - info.startStep) / seconds : 0;
      bar.update(step, {
        rate: rate >= 10 ? rate.toFixed(1) : rate.toPrecision(2),
        eta: rate > 0 ? formatDuration((info.totalSteps - step) / rate) : '?',
        metrics: shortMetrics(metrics, options.metrics),
      });
    },
    onTrainEnd: (summary) => {
      if (started) bar.stop();
      started = false;
      if (summary.stopReason !== 'completed') process.stderr.write(`training ${summary.stopReason} at step ${summary.steps}\n`);
    },
  };
}
