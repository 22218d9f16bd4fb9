/**
 * The programmatic face of the `tfgen` command: everything the subcommands do, as functions.
 *
 * @example
 * import { runTrain, runEval } from '@tfgen/cli';
 * await runTrain({ model: 'mlp-gan', dataset: 'ring', out: 'runs/ring', steps: 2000 });
 * console.log((await runEval('runs/ring')).metrics);
 */
export { buildProgram, runCli, parseIntegerFlag, EXIT } from './program';
export {
  trainConfigSchema,
  parseTrainConfig,
  readConfigFile,
  mergeConfig,
  describeConfig,
  flagName,
  MODEL_NAMES,
  DATASET_NAMES,
  LOSS_NAMES,
  BACKEND_NAMES,
  type TrainConfig,
  type TrainConfigInput,
  type ModelName,
  type DatasetName,
  type LossName,
  type BackendName,
} from './config';
export { selectBackend, type BackendChoice } from './backend';
export { RunFolder } from './run-folder';
export { buildRun, buildData, ganVariantFor, mixtureFor, type BuiltRun, type CliData, type CliModel } from './registry';
export { runTrain, resumeRun, writeScatter, scatterSamplesCallback, SCATTER_SAMPLES, type TrainOptions, type TrainResult } from './train';
export { loadRun, type LoadedRun } from './run-model';
export { runSample, type SampleOptions } from './sample';
export { runEval, type EvalOptions, type EvalMetric, type EvalResult } from './evaluate';
export { renderLossCurveSvg, writeLossCurve, defaultCurveMetrics, type LossCurveOptions } from './loss-plot';
export { scatterPlot, type ScatterOptions } from './scatter-plot';
export { cliProgressCallback, wantsBar, type ProgressMode } from './progress';
