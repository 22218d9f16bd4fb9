import { Command, CommanderError, Option } from 'commander';
import { TfgenError } from '@tfgen/core';
import {
  BACKEND_NAMES,
  DATASET_NAMES,
  LOSS_NAMES,
  VARIANT_NAMES,
  MODEL_NAMES,
  MODEL_DATASETS,
  mergeConfig,
  parseTrainConfig,
  readConfigFile,
  type BackendName,
} from './config';
import type { ProgressMode } from './progress';

/** Exit codes of the `tfgen` command. */
export const EXIT = { ok: 0, error: 1, usage: 2, interrupted: 130 } as const;

const list = (names: readonly string[]) => names.join(', ');

/** Maps commander's camelCase option names to config fields (they coincide) and drops CLI-only options. */
function configFlags(options: Record<string, unknown>): Record<string, unknown> {
  const { config: _config, progress: _progress, force: _force, ...rest } = options;
  return rest;
}

function trainCommand(program: Command, state: ProgramState): void {
  program
    .command('train')
    .description('train a model on a dataset into a run folder (config.json, metrics.jsonl, checkpoints/, samples/, loss-curve.svg)')
    .option('--config <file>', 'JSON or YAML file with config fields (flags override it)')
    .option('--model <name>', `model: ${list(MODEL_NAMES)}`)
    .option('--dataset <name>', `dataset: ${list(DATASET_NAMES)} (which fit which model: see below)`)
    .option('--out <dir>', 'run folder (e.g. runs/ring)')
    .option('--steps <n>', 'total training steps (default 2000)')
    .option('--batch-size <n>', 'batch size (default 64)')
    .option('--seed <n>', 'seed of everything: weights, data order, latents (default 0)')
    .option('--backend <name>', `tfjs backend: ${list(BACKEND_NAMES)} (default auto)`)
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps (default 500; also on Ctrl-C and at the end)')
    .option('--sample-every <n>', 'write samples/step-*.png every n steps (default 500)')
    .option('--log-every <n>', 'append to metrics.jsonl every n steps (default 10)')
    .option('--loss <name>', `GAN loss: ${list(LOSS_NAMES)} (default hinge for sngan-resnet and cgan-projection, else non-saturating)`)
    .option('--variant <name>', `GAN variant preset (loss, penalties, critic steps, optimizers): ${list(VARIANT_NAMES)}`)
    .option('--learning-rate <lr>', 'Adam learning rate (default 2e-4 for GANs, 1e-3 for vae, pixelcnn, wavenet)')
    .option('--beta1 <b>', 'Adam beta1 (default 0.5; 0 for sngan-resnet, cgan-projection, stylegan2)')
    .option('--beta2 <b>', 'Adam beta2 (default 0.999; 0.9 for sngan-resnet and cgan-projection, 0.99 for stylegan2)')
    .option('--ttur <g,d>', 'two time-scale update rule: generator,discriminator learning rates, e.g. 1e-4,4e-4')
    .option('--spectral-norm', 'spectral normalization of the discriminator')
    .option('--gradient-penalty <weight>', 'WGAN-GP gradient penalty weight, e.g. 10 (default 0: off)')
    .option('--gradient-penalty-target <norm>', 'gradient norm the penalty pulls towards: 1 (WGAN-GP, default) or 0 (zero-centred: converges on point-like modes such as the ring)')
    .option('--discriminator-steps <n>', 'discriminator updates per generator update (default 1; 5 for sngan-resnet and cgan-projection)')
    .option('--unrolled-steps <n>', 'unrolled GAN: steps of look-ahead for the generator (mlp-gan; default 0)')
    .option('--packing <n>', 'PacGAN: samples the discriminator sees at once (mlp-gan; default 1)')
    .option('--ema-decay <d>', 'exponential moving average of the generator weights, e.g. 0.999 (default 0: off)')
    .option('--architecture <name>', 'mlp-gan: default, unrolled (Metz et al. 2017 2D nets) or pacgan (Lin et al. 2018 2D nets)')
    .option('--latent-dim <n>', 'latent size (default: 16 mlp-gan, 100 dcgan/cgan-concat/acgan, 128 sngan-resnet/cgan-projection, 64 stylegan2, 20 vae)')
    .option('--hidden-units <n>', 'width: mlp-gan 128, vae 200 units; channels: dcgan/cgan-concat/acgan/stylegan2 32, sngan-resnet/cgan-projection 64 (D; G twice), pixelcnn 32, wavenet 16')
    .option('--hidden-layers <n>', 'hidden layers (mlp-gan and vae; default 2)')
    .option('--sample-count <n>', 'images per training-time sample sheet (default 64; pixelcnn 16; 0: none)')
    .option('--image-limit <n>', 'image datasets: train on the first n training images only (default all)')
    .option('--data-dir <dir>', 'image-folder: the folder of PNG/JPEG images')
    .option('--image-size <n>', 'image-folder: resize images to n x n (default 32; a side b*2^k with b in 3..7)')
    .option('--channels <n>', 'image-folder: 1 (grey) or 3 (RGB, default)')
    .option('--sample-rate <hz>', 'sine, chirp: samples per second of the audio (default 8000, at least 1000)')
    .option('--window-length <n>', 'wavenet: samples per training window (default receptive field + 128)')
    .option('--mu-law-levels <n>', 'wavenet: mu-law quantization levels (default 256)')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'plain', 'off']).default('auto'))
    .option('--force', 'start over in a run folder that already holds a run')
    .addHelpText(
      'after',
      `
Examples:
  $ tfgen train --model mlp-gan --dataset ring --steps 2000 --out runs/ring
  $ tfgen train --model mlp-gan --dataset ring --packing 2 --steps 2000 --out runs/ring-pac2
  $ tfgen train --model mlp-gan --dataset grid --loss wasserstein --gradient-penalty 0.1 --discriminator-steps 5 --out runs/grid-wgan
  $ tfgen train --model dcgan --dataset mnist --loss hinge --gradient-penalty 10 --ttur 1e-4,4e-4 --steps 5000 --out runs/dcgan
  $ tfgen train --model mlp-gan --dataset ring --variant wgan-gp --out runs/ring-wgan-gp
  $ tfgen train --model vae --dataset mnist --steps 3000 --batch-size 100 --out runs/vae
  $ tfgen train --model sngan-resnet --dataset fashion-mnist --steps 5000 --out runs/sngan
  $ tfgen train --model stylegan2 --dataset mnist --steps 5000 --out runs/stylegan2
  $ tfgen train --model dcgan --dataset stacked-mnist --steps 5000 --out runs/stacked
  $ tfgen train --model dcgan --dataset image-folder --data-dir ./faces --image-size 32 --out runs/faces
  $ tfgen train --model cgan-concat --dataset mnist --steps 3000 --out runs/cgan
  $ tfgen train --model acgan --dataset fashion-mnist --steps 3000 --out runs/acgan
  $ tfgen train --model cgan-projection --dataset mnist --steps 3000 --out runs/projection
  $ tfgen train --model pixelcnn --dataset mnist --steps 2000 --batch-size 32 --out runs/pixelcnn
  $ tfgen train --model wavenet --dataset sine --sample-rate 8000 --steps 1000 --batch-size 8 --out runs/wavenet
  $ tfgen train --config runs.yaml --seed 3

Models and the datasets that fit them:
${MODEL_NAMES.map((m) => `  ${m.padEnd(16)}${MODEL_DATASETS[m].join(', ')}`).join('\n')}

Ctrl-C finishes the current step, writes a checkpoint and exits with code 130; continue with \`tfgen resume <dir>\`.`,
    )
    .action(async (options: Record<string, unknown>) => {
      const fromFile = typeof options.config === 'string' ? readConfigFile(options.config) : {};
      const config = parseTrainConfig(mergeConfig(fromFile, configFlags(options)), typeof options.config === 'string' ? options.config : 'config');
      const { runTrain } = await import('./train');
      const result = await runTrain(config, { progress: options.progress as ProgressMode, force: Boolean(options.force) });
      if (result.summary.stopReason === 'stopped') state.exitCode = EXIT.interrupted;
    });
}

function resumeCommand(program: Command, state: ProgramState): void {
  program
    .command('resume')
    .description('continue a run folder from its checkpoint, exactly (same losses as an uninterrupted run)')
    .argument('<run-dir>', 'run folder made by `tfgen train`')
    .option('--steps <n>', 'new total step count (default: the config\'s)')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'plain', 'off']).default('auto'))
    .addHelpText('after', '\nExamples:\n  $ tfgen resume runs/ring\n  $ tfgen resume runs/ring --steps 5000')
    .action(async (runDir: string, options: { steps?: string; progress: ProgressMode }) => {
      const { resumeRun } = await import('./train');
      const steps = options.steps === undefined ? undefined : parseIntegerFlag(options.steps, '--steps', 1);
      const result = await resumeRun(runDir, { steps }, { progress: options.progress });
      if (result.summary.stopReason === 'stopped') state.exitCode = EXIT.interrupted;
    });
}

function sampleCommand(program: Command): void {
  program
    .command('sample')
    .description('draw samples from a run\'s checkpoint: PNG scatter over the true modes (2D), PNG image grid (one row per class for conditional GANs), WAV clips (wavenet)')
    .argument('<run-dir>', 'run folder made by `tfgen train`')
    .option('--count <n>', 'number of samples: images (default 64; conditional GANs: per class, default 8), points (default 1000) or WAV clips (default 1)')
    .option('--class <id>', 'conditional GANs: draw only this class (default: one row per class)')
    .option('--seconds <s>', 'wavenet: seconds per WAV clip (default 1)')
    .option('--out <file>', 'output PNG or WAV (default <run-dir>/samples/sample-step-N.png or .wav; clip i > 0 gets -i)')
    .option('--seed <n>', 'sampling seed (default 0)')
    .option('--backend <name>', `tfjs backend: ${list(BACKEND_NAMES)}`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ tfgen sample runs/ring --count 2500 --out ring.png\n  $ tfgen sample runs/vae --count 100\n  $ tfgen sample runs/acgan --count 10\n  $ tfgen sample runs/acgan --class 3 --count 16\n  $ tfgen sample runs/wavenet --seconds 2 --count 3 --out tones.wav',
    )
    .action(async (runDir: string, options: { count?: string; class?: string; seconds?: string; out?: string; seed?: string; backend?: string }) => {
      const { runSample } = await import('./sample');
      const result = await runSample(runDir, {
        count: options.count === undefined ? undefined : parseIntegerFlag(options.count, '--count', 1),
        classId: options.class === undefined ? undefined : parseIntegerFlag(options.class, '--class', 0),
        seconds: options.seconds === undefined ? undefined : parseNumberFlag(options.seconds, '--seconds'),
        seed: options.seed === undefined ? undefined : parseIntegerFlag(options.seed, '--seed', 0),
        out: options.out,
        backend: parseBackendFlag(options.backend),
      });
      const what = result.kind === 'audio' ? `${result.count} WAV clip${result.count > 1 ? 's' : ''}` : `${result.count} samples`;
      process.stdout.write(`wrote ${what} from step ${result.step} to ${result.files.join(', ')}\n`);
    });
}

function evalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'metrics on a run\'s checkpoint, printed and written to <run-dir>/eval-step-N.json and .md: mode coverage (2D); FCD, KID, classifier score, precision/recall (MNIST, Fashion-MNIST); modes of 1000 (stacked MNIST); NLL and bits/dim (vae, pixelcnn, wavenet)',
    )
    .argument('<run-dir>', 'run folder made by `tfgen train`')
    .option('--samples <n>', 'samples to evaluate (2D points, default 2500; images and test images, default 500, pixelcnn 100; stacked MNIST 2000; wavenet audio windows, default 16)')
    .option('--seed <n>', 'sampling seed (default 0)')
    .option('--json', 'print JSON instead of a table')
    .option('--backend <name>', `tfjs backend: ${list(BACKEND_NAMES)}`)
    .addHelpText('after', '\nExamples:\n  $ tfgen eval runs/ring\n  $ tfgen eval runs/vae --samples 1000 --json\n  $ tfgen eval runs/dcgan --samples 2000\n  $ tfgen eval runs/wavenet')
    .action(async (runDir: string, options: { samples?: string; seed?: string; json?: boolean; backend?: string }) => {
      const { runEval } = await import('./evaluate');
      const result = await runEval(runDir, {
        samples: options.samples === undefined ? undefined : parseIntegerFlag(options.samples, '--samples', 1),
        seed: options.seed === undefined ? undefined : parseIntegerFlag(options.seed, '--seed', 0),
        backend: parseBackendFlag(options.backend),
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const { formatValue } = await import('./evaluate');
      process.stdout.write(`${result.runDir} at step ${result.step} (${result.model} on ${result.dataset})\n`);
      for (const metric of result.metrics) {
        process.stdout.write(`  ${metric.name.padEnd(20)} ${formatValue(metric.value).padStart(10)}${metric.note ? `  (${metric.note})` : ''}\n`);
      }
      process.stdout.write(`written to ${result.files.json} and ${result.files.table}\n`);
    });
}

function compareCommand(program: Command): void {
  program
    .command('compare')
    .description('the comparison study: GAN variants and strategies on the same data, one report')
    .addOption(new Option('--preset <name>', 'study size (test: seconds, a smoke test)').choices(['quick', 'full', 'test']).default('quick'))
    .option('--out <dir>', 'report folder', 'runs/compare')
    .option('--seed <n>', 'seed (default 0)', '0')
    .option('--backend <name>', `tfjs backend: ${list(BACKEND_NAMES)}`)
    .addHelpText('after', '\nExamples:\n  $ tfgen compare\n  $ tfgen compare --only mixtures\n  $ tfgen compare --variants lsgan,r1\n  $ tfgen compare --preset full --out runs/compare-full')
    .addOption(new Option('--only <part>', 'run one part only').choices(['mixtures', 'mnist']))
    .option('--variants <names>', `extra GAN rows, comma-separated variants registered in @tfgen/strategies: ${list(VARIANT_NAMES)}`)
    .action(async (options: { preset: 'quick' | 'full' | 'test'; out: string; seed: string; backend?: string; only?: 'mixtures' | 'mnist'; variants?: string }) => {
      const { runCompare } = await import('./compare/index');
      const result = await runCompare({
        preset: options.preset,
        outDir: options.out,
        seed: parseIntegerFlag(options.seed, '--seed', 0),
        backend: parseBackendFlag(options.backend) ?? 'auto',
        ...(options.only ? { only: options.only } : {}),
        ...(options.variants ? { variants: options.variants.split(',').map((name) => name.trim()).filter(Boolean) } : {}),
        onProgress: (line: string) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`report: ${result.reportPath}\n`);
    });
}

function benchCommand(program: Command): void {
  program
    .command('bench')
    .description('performance suite: median step time, samples/s, memory and ratios to a same-run baseline per model and backend, PyTorch DCGAN reference, long-run memory')
    .option('--steps <n>', 'most timed calls per model and backend (default 20)')
    .option('--row-seconds <s>', 'time budget of the timed calls of one row, in seconds (default 20)')
    .option('--long-steps <n>', 'steps of the long mlp-gan run that checks tensor count and RSS stay flat from step 100 on (default 10000; 0 skips)')
    .option('--long-dcgan-steps <n>', 'steps of a long DCGAN run (default 0: skipped)')
    .option('--backends <list>', 'comma-separated: wasm (both kernel variants), wasm-fast, wasm-lowered, cpu, webgpu, tensorflow (default wasm,cpu)')
    .option('--models <list>', 'comma-separated models (default: all; "none" to run only the long runs)')
    .option('--cpu-models <list>', 'models also timed on the cpu backend (default: those that take seconds, not minutes, there; "none" for none)')
    .option('--out <folder>', 'folder for bench.md and bench.json (default docs/results/bench under the current folder)')
    .option('--no-pytorch', 'skip the PyTorch DCGAN reference')
    .addHelpText('after', '\nExamples:\n  $ tfgen bench\n  $ tfgen bench --models mlp-gan,dcgan --backends wasm --long-steps 10000 --long-dcgan-steps 1000 --out /tmp/bench')
    .action(async (options: Record<string, unknown>) => {
      const { runBench } = await import('./bench');
      const integer = (key: string, flag: string, min: number) => (options[key] === undefined ? undefined : parseIntegerFlag(String(options[key]), flag, min));
      const seconds = options.rowSeconds === undefined ? undefined : Number(options.rowSeconds);
      if (seconds !== undefined && !(seconds > 0)) {
        throw new CommanderError(EXIT.usage, 'tfgen.invalidArgument', `error: --row-seconds: expected a number > 0, got ${JSON.stringify(options.rowSeconds)}`);
      }
      const list = (key: string) => (typeof options[key] === 'string' ? (options[key] as string).split(',').map((item) => item.trim()).filter(Boolean) : undefined);
      await runBench({
        steps: integer('steps', '--steps', 1),
        rowSeconds: seconds,
        longSteps: integer('longSteps', '--long-steps', 0),
        longDcganSteps: integer('longDcganSteps', '--long-dcgan-steps', 0),
        backends: list('backends'),
        models: options.models === 'none' ? [] : list('models'),
        cpuModels: options.cpuModels === 'none' ? [] : list('cpuModels'),
        out: options.out as string | undefined,
        pytorch: options.pytorch !== false,
      });
    });
}

function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('a few minutes: a vanilla GAN and PacGAN2 on a ring of 8 Gaussians (modes covered, % high-quality samples, scatter PNGs), plus a VAE sample grid on MNIST')
    .option('--out <dir>', 'folder for the pictures', 'runs/demo')
    .option('--steps <n>', 'steps per 2D run (default 3000)')
    .option('--seed <n>', 'seed (default 0)', '0')
    .option('--no-mnist', 'skip the MNIST part')
    .option('--mnist-steps <n>', 'steps of the MNIST VAE (default 2500)')
    .addHelpText('after', '\nExamples:\n  $ tfgen demo\n  $ tfgen demo --steps 6000 --out runs/demo-long')
    .action(async (options: { out: string; steps?: string; seed: string; mnist: boolean; mnistSteps?: string }) => {
      const { runDemo } = await import('./demo');
      await runDemo({
        outDir: options.out,
        steps: options.steps === undefined ? undefined : parseIntegerFlag(options.steps, '--steps', 1),
        seed: parseIntegerFlag(options.seed, '--seed', 0),
        mnist: options.mnist,
        mnistSteps: options.mnistSteps === undefined ? undefined : parseIntegerFlag(options.mnistSteps, '--mnist-steps', 1),
      });
    });
}

/** Parses an integer flag value, naming the flag in the error. */
export function parseIntegerFlag(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new CommanderError(EXIT.usage, 'tfgen.invalidArgument', `error: ${flag}: expected an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses a positive number flag value, naming the flag in the error. */
function parseNumberFlag(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new CommanderError(EXIT.usage, 'tfgen.invalidArgument', `error: ${flag}: expected a number > 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseBackendFlag(text: string | undefined): BackendName | undefined {
  if (text === undefined) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(text)) {
    throw new CommanderError(EXIT.usage, 'tfgen.invalidArgument', `error: --backend: expected one of ${list(BACKEND_NAMES)}, got ${JSON.stringify(text)}`);
  }
  return text as BackendName;
}

interface ProgramState {
  exitCode: number;
}

/**
 * The `tfgen` command line (commander): train, resume, sample, eval, compare, bench, demo.
 * Returns the program and a state whose `exitCode` an action may set (130 after Ctrl-C).
 *
 * @example
 * const { program } = buildProgram();
 * await program.parseAsync(['node', 'tfgen', 'train', '--model', 'mlp-gan', '--dataset', 'ring', '--out', 'runs/x']);
 */
export function buildProgram(): { program: Command; state: ProgramState } {
  const state: ProgramState = { exitCode: EXIT.ok };
  const program = new Command('tfgen')
    .description('Generative models on TensorFlow.js: train, sample, evaluate, compare and benchmark GANs and explicit models.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ tfgen demo
  $ tfgen train --model mlp-gan --dataset ring --steps 2000 --out runs/ring
  $ tfgen sample runs/ring && tfgen eval runs/ring
  $ tfgen resume runs/ring --steps 4000
  $ tfgen bench`,
    );
  trainCommand(program, state);
  resumeCommand(program, state);
  sampleCommand(program);
  evalCommand(program);
  compareCommand(program);
  benchCommand(program);
  demoCommand(program);
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
  return { program, state };
}

/**
 * Runs the CLI on `argv` (`process.argv` shape) and returns the exit code: 0 ok, 1 error
 * (bad config, bad file, failed run), 2 usage (unknown flag, bad flag value), 130 Ctrl-C.
 * Errors are printed to stderr as one `error: ...` line naming the field, expected and actual.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const { program, state } = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      if (error.code.startsWith('tfgen.')) process.stderr.write(`${error.message}\n`);
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof TfgenError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.error;
    }
    process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.error;
  }
}
