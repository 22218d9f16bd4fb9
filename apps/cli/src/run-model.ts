import { Trainer } from '@tfgen/core';
import { readCheckpointFile } from '@tfgen/core/node';
import { selectBackend, type BackendChoice } from './backend';
import type { BackendName, TrainConfig } from './config';
import { buildRun, loadData, type BuiltRun } from './registry';
import { RunFolder } from './run-folder';

/** A trained model loaded back from a run folder. */
export interface LoadedRun extends BuiltRun {
  readonly run: RunFolder;
  readonly config: TrainConfig;
  /** Completed training steps in the checkpoint. */
  readonly step: number;
  readonly backend: BackendChoice;
}

/**
 * Rebuilds the model of a run folder from its config.json and restores its checkpoint
 * (a missing or corrupt checkpoint is a CheckpointError naming the file).
 */
export async function loadRun(runDir: string, backend?: BackendName): Promise<LoadedRun> {
  const run = new RunFolder(runDir);
  const config = run.readConfig();
  const choice = await selectBackend(backend ?? config.backend);
  const contents = readCheckpointFile(run.checkpointFile);
  const built = buildRun(config, await loadData(config));
  await new Trainer(built.model, { seed: config.seed, log: () => undefined }).restore(contents, null, run.checkpointFile);
  return { ...built, run, config, step: contents.step, backend: choice };
}
