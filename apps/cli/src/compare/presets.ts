import type { GanRow } from './contenders';
import { GAN_RECIPES } from './contenders';

/** Sizes of one run of the study. Numbers in the report always come from the run itself. */
export interface ComparePreset {
  readonly name: 'test' | 'quick' | 'full';
  readonly mixture: {
    readonly gans: readonly GanRow[];
    readonly steps: number;
    readonly batchSize: number;
    readonly unrollSteps: number;
    /** Samples drawn per model for the metrics (PacGAN Table 1 used 2,500). */
    readonly evalSamples: number;
    readonly nllPoints: number;
    readonly nllImportanceSamples: number;
  };
  readonly mnist: {
    readonly gans: readonly GanRow[];
    readonly vae: boolean;
    readonly pixelCnn: boolean;
    readonly trainImages: number;
    /** Generator steps of every MNIST GAN. */
    readonly steps: number;
    /** VAE steps (a VAE step costs ~1/3 of an MLP-GAN step, and its NLL needs more of them). */
    readonly vaeSteps: number;
    readonly pixelCnnSteps: number;
    readonly batchSize: number;
    /** Generated and real test images for FCD/KID/precision/recall. */
    readonly evalSamples: number;
    readonly pixelCnnSamples: number;
    readonly nllImages: number;
    readonly nllImportanceSamples: number;
    readonly kidSubsets: number;
    readonly pixelCnnLayers: number;
    readonly pixelCnnFilters: number;
  };
  /** What the preset costs, stated in the report. */
  readonly expectedTime: string;
}

export const COMPARE_PRESETS: Record<ComparePreset['name'], ComparePreset> = {
  test: {
    name: 'test',
    mixture: { gans: ['gan', 'pacgan2'], steps: 10, batchSize: 64, unrollSteps: 2, evalSamples: 200, nllPoints: 50, nllImportanceSamples: 10 },
    mnist: {
      gans: ['gan'], vae: true, pixelCnn: true, trainImages: 512, steps: 5, vaeSteps: 5, pixelCnnSteps: 2, batchSize: 32,
      evalSamples: 64, pixelCnnSamples: 4, nllImages: 8, nllImportanceSamples: 5, kidSubsets: 2, pixelCnnLayers: 1, pixelCnnFilters: 4,
    },
    expectedTime: 'under a minute on 2 CPU cores (a smoke test: numbers are meaningless)',
  },
  quick: {
    name: 'quick',
    mixture: { gans: [...GAN_RECIPES], steps: 300, batchSize: 128, unrollSteps: 3, evalSamples: 2500, nllPoints: 500, nllImportanceSamples: 50 },
    mnist: {
      gans: ['gan', 'wgan-gp', 'sn-hinge'], vae: true, pixelCnn: true, trainImages: 10000, steps: 300, vaeSteps: 300, pixelCnnSteps: 50, batchSize: 64,
      evalSamples: 1000, pixelCnnSamples: 10, nllImages: 200, nllImportanceSamples: 50, kidSubsets: 10, pixelCnnLayers: 3, pixelCnnFilters: 16,
    },
    expectedTime: 'sized for a few minutes on 2 idle CPU cores (not yet timed on an idle machine; ~28 min per 2D mixture when the machine was shared by ~8 jobs)',
  },
  full: {
    name: 'full',
    // Sized to CPU seconds measured per training step on wasm (2D, batch 128: vanilla ~60 ms,
    // unrolled k=3 ~230, minibatch discrimination ~170, WGAN-GP ~230; MNIST MLP GAN, batch 64: vanilla
    // ~360 ms, WGAN-GP ~2,200, unrolled ~2,600; PixelCNN 5x32 ~4,900) so the whole study fits in about
    // an hour of a shared 2-core machine. WGAN-GP and unrolled are left out on MNIST only: one of their
    // steps costs 6-7 vanilla ones there; both run on the mixtures.
    mixture: { gans: [...GAN_RECIPES], steps: 600, batchSize: 128, unrollSteps: 3, evalSamples: 2500, nllPoints: 1000, nllImportanceSamples: 100 },
    mnist: {
      gans: ['gan', 'minibatch-disc', 'pacgan2', 'sn-hinge', 'ttur'], vae: true, pixelCnn: true, trainImages: 60000, steps: 300, vaeSteps: 1000, pixelCnnSteps: 100, batchSize: 64,
      evalSamples: 1000, pixelCnnSamples: 8, nllImages: 300, nllImportanceSamples: 100, kidSubsets: 20, pixelCnnLayers: 3, pixelCnnFilters: 16,
    },
    expectedTime: 'about 15 min as one process on a 2-core machine shared with other jobs (905 s on 2026-12-04, load ~5-7); the total before these brackets is this run\'s',
  },
};
