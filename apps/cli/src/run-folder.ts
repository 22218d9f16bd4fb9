import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '@tfgen/core';
import { parseTrainConfig, type TrainConfig } from './config';

/**
 * The files of one run, all under one folder:
 * `config.json`, `metrics.jsonl`, `checkpoint.tfgen` (+ `.prev`), `samples/step-*.png`, `loss-curve.svg`.
 */
export class RunFolder {
  readonly dir: string;
  constructor(dir: string) {
    if (typeof dir !== 'string' || dir === '') throw new ArgumentError('run folder', 'a directory path', dir);
    this.dir = path.resolve(dir);
  }
  get configFile(): string {
    return path.join(this.dir, 'config.json');
  }
  get metricsFile(): string {
    return path.join(this.dir, 'metrics.jsonl');
  }
  get checkpointFile(): string {
    return path.join(this.dir, 'checkpoints', 'checkpoint.tfgen');
  }
  get samplesDir(): string {
    return path.join(this.dir, 'samples');
  }
  get lossCurveFile(): string {
    return path.join(this.dir, 'loss-curve.svg');
  }

  /** Writes config.json (the validated config, defaults filled in). */
  writeConfig(config: TrainConfig): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(this.configFile, `${JSON.stringify(config, null, 2)}\n`);
  }

  /** Reads and validates config.json; a missing folder or file names what was expected. */
  readConfig(): TrainConfig {
    if (!fs.existsSync(this.configFile)) {
      throw new ArgumentError('run folder', `a folder made by \`tfgen train\` (with config.json)`, this.dir, `${this.configFile} not found`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(this.configFile, 'utf8'));
    } catch (error) {
      throw new ArgumentError(this.configFile, 'valid JSON', 'unparsable text', (error as Error).message);
    }
    return parseTrainConfig(raw, this.configFile);
  }

  hasCheckpoint(): boolean {
    return fs.existsSync(this.checkpointFile);
  }

  /** The metrics records, oldest first (lines that do not parse are skipped). */
  readMetrics(): Array<Record<string, number | string>> {
    if (!fs.existsSync(this.metricsFile)) return [];
    const records: Array<Record<string, number | string>> = [];
    for (const line of fs.readFileSync(this.metricsFile, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        // a torn last line of a killed run
      }
    }
    return records;
  }

  /**
   * Drops metric lines past `step` (written after the checkpoint a resume continues from),
   * so the log of a resumed run reads like an uninterrupted one.
   */
  truncateMetricsAfter(step: number): void {
    if (!fs.existsSync(this.metricsFile)) return;
    const kept = fs
      .readFileSync(this.metricsFile, 'utf8')
      .split('\n')
      .filter((line) => {
        if (line.trim() === '') return false;
        try {
          return Number(JSON.parse(line).step) <= step;
        } catch {
          return false;
        }
      });
    fs.writeFileSync(this.metricsFile, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  }
}
