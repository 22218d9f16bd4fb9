import { expectInteger } from './errors';
import type { TrainerCallback } from './trainer';
import type { StepMetrics } from './types';

/** Options of {@link jsonlLogCallback}. */
export interface JsonlLogOptions {
  /** Receives each line (without the trailing newline). */
  readonly write: (line: string) => void | Promise<void>;
  /** Log every this many steps (and always the last step). Default 1. */
  readonly every?: number;
}

/**
 * Logs metrics as JSON Lines, one object per logged step: `{"step":120,"time":3.512,"loss/generator":0.69,...}`
 * where `step` counts completed steps and `time` is seconds since `fit` began. NaN and
 * infinities (not valid JSON numbers) are written as the strings "NaN", "Infinity", "-Infinity".
 * The node entry's `jsonlFileLog(path)` appends these lines to a file.
 */
export function jsonlLogCallback(options: JsonlLogOptions): TrainerCallback {
  if (typeof options?.write !== 'function') throw new TypeError('jsonlLogCallback: options.write must be a function');
  const every = expectInteger(options.every ?? 1, 'options.every', 1);
  let lastLogged = -1;
  return {
    onTrainBegin: () => {
      lastLogged = -1;
    },
    onStepEnd: async (step, metrics, info) => {
      if (step % every !== 0 && step !== info.totalSteps) return;
      lastLogged = step;
      await options.write(jsonlLine(step, (now() - info.startTime) / 1000, metrics));
    },
    onTrainEnd: async (summary, info) => {
      // A run stopped (or failed) between logged steps still logs where it ended.
      if (summary.stepsThisRun > 0 && lastLogged !== summary.steps) {
        await options.write(jsonlLine(summary.steps, (now() - info.startTime) / 1000, summary.metrics));
      }
    },
  };
}

/** One JSONL record: `{step, time, ...metrics}` with non-finite numbers as strings. */
export function jsonlLine(step: number, timeSeconds: number, metrics: StepMetrics): string {
  const record: Record<string, number | string> = { step, time: Math.round(timeSeconds * 1000) / 1000 };
  for (const [key, value] of Object.entries(metrics)) record[key] = Number.isFinite(value) ? value : String(value);
  return JSON.stringify(record);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
