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
  MODEL_DATASETS,
  MODEL_RECIPES,
  GAN_MODELS,
  CONDITIONAL_MODELS,
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
export {
  buildRun,
  buildData,
  loadData,
  ganVariantFor,
  mixtureFor,
  audioSignal,
  waveNetDilations,
  CliWaveNet,
  STACKED_MNIST_COUNT,
  DEFAULT_SAMPLE_RATE,
  AUDIO_SECONDS,
  type BuiltRun,
  type CliData,
  type CliAudio,
  type CliModel,
} from './registry';
export { runTrain, resumeRun, writeScatter, scatterSamplesCallback, audioSamplesCallback, SCATTER_SAMPLES, type TrainOptions, type TrainResult } from './train';
export { loadRun, type LoadedRun } from './run-model';
export { runSample, type SampleOptions, type SampleResult } from './sample';
export { runEval, evalTable, formatValue, type EvalOptions, type EvalMetric, type EvalResult } from './evaluate';
export { encodeWav, writeWav, readWav, type WavContents } from './wav';
export { renderLossCurveSvg, writeLossCurve, defaultCurveMetrics, type LossCurveOptions } from './loss-plot';
export { scatterPlot, type ScatterOptions } from './scatter-plot';
export { cliProgressCallback, wantsBar, type ProgressMode } from './progress';
