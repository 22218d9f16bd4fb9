import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonlLogCallback } from './jsonl-log';
import type { TrainerCallback } from './trainer';

/**
 * Appends the Trainer's metrics as JSON Lines to `filePath` (created with its directory if
 * missing; a resumed run appends to the same file). Each line is written with one `write`
 * call, so a killed run leaves whole lines.
 *
 * @example
 * await trainer.fit(data, { steps: 1000, callbacks: [jsonlFileLog('runs/vae/metrics.jsonl', { every: 10 })] });
 */
export function jsonlFileLog(filePath: string, options: { every?: number } = {}): TrainerCallback {
  let fd: number | null = null;
  const inner = jsonlLogCallback({
    every: options.every,
    write: (line) => {
      if (fd === null) throw new Error(`jsonlFileLog: ${filePath} is not open (write outside fit?)`);
      fs.writeSync(fd, `${line}\n`);
    },
  });
  return {
    onTrainBegin: (info) => {
      fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
      fd = fs.openSync(filePath, 'a');
      return inner.onTrainBegin?.(info);
    },
    onStepEnd: (step, metrics, info) => inner.onStepEnd?.(step, metrics, info),
    onTrainEnd: async (summary, info) => {
      try {
        await inner.onTrainEnd?.(summary, info);
      } finally {
        if (fd !== null) fs.closeSync(fd);
        fd = null;
      }
    },
  };
}
