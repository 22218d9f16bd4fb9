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
    readonly steps: number;
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
      gans: ['gan'], vae: true, pixelCnn: true, trainImages: 512, steps: 5, pixelCnnSteps: 2, batchSize: 32,
      evalSamples: 64, pixelCnnSamples: 4, nllImages: 8, nllImportanceSamples: 5, kidSubsets: 2, pixelCnnLayers: 1, pixelCnnFilters: 4,
    },
    expectedTime: 'under a minute on 2 CPU cores (a smoke test: numbers are meaningless)',
  },
  quick: {
    name: 'quick',
    mixture: { gans: [...GAN_RECIPES], steps: 300, batchSize: 128, unrollSteps: 3, evalSamples: 2500, nllPoints: 500, nllImportanceSamples: 50 },
    mnist: {
      gans: ['gan', 'wgan-gp', 'sn-hinge'], vae: true, pixelCnn: true, trainImages: 10000, steps: 300, pixelCnnSteps: 50, batchSize: 64,
      evalSamples: 1000, pixelCnnSamples: 10, nllImages: 200, nllImportanceSamples: 50, kidSubsets: 10, pixelCnnLayers: 3, pixelCnnFilters: 16,
    },
    expectedTime: 'sized for a few minutes on 2 idle CPU cores (not yet timed on an idle machine; ~28 min per 2D mixture when the machine was shared by ~8 jobs)',
  },
  full: {
    name: 'full',
    mixture: { gans: [...GAN_RECIPES], steps: 3000, batchSize: 256, unrollSteps: 5, evalSamples: 2500, nllPoints: 2000, nllImportanceSamples: 200 },
    mnist: {
      gans: [...GAN_RECIPES], vae: true, pixelCnn: true, trainImages: 60000, steps: 3000, pixelCnnSteps: 600, batchSize: 64,
      evalSamples: 5000, pixelCnnSamples: 100, nllImages: 1000, nllImportanceSamples: 500, kidSubsets: 50, pixelCnnLayers: 5, pixelCnnFilters: 32,
    },
    expectedTime: 'estimated 2-3 hours on 2 idle CPU cores, wasm backend (never run yet)',
  },
};
