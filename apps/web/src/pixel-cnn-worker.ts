/// <reference lib="webworker" />
// PixelCNN training and pixel-by-pixel sampling, off the page's thread: each drawn pixel is posted at once.
import { expectOneOf } from '@tfgen/core';
import { IMAGE_DATASETS, type ImageDatasetName } from './assets';
import { loaders } from './backend-loaders';
import { chooseBackend, type BackendChoiceReport } from './backend-probe';
import { loadRecord, saveRecord } from './lab-store';
import { PixelCnnLab, type PixelSampler, type SampledPixel, type SavedPixelCnn } from './pixel-cnn-lab';
import type { BackendChoice } from './protocol';
import { serialQueue } from './serial-queue';
import { loadImageSubset, trainForSlice, yieldToEvents } from './worker-support';

declare const self: DedicatedWorkerGlobalScope;

/** A saved PixelCNN run with the dataset it trains on: what IndexedDB and model files hold. */
export type SavedPixelCnnRun = SavedPixelCnn & { dataset: ImageDatasetName };

/** Page -> PixelCNN worker. */
export type ToPixelCnnWorker =
  | { type: 'init'; backend: BackendChoice; baseUrl: string; dataset: ImageDatasetName; seed: number }
  | { type: 'configure'; dataset: ImageDatasetName; seed: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'sample'; count: number; seed: number }
  | { type: 'stop-sampling' }
  | { type: 'save'; key: string }
  | { type: 'load'; key: string }
  | { type: 'export' }
  | { type: 'import'; saved: SavedPixelCnnRun };

/** PixelCNN worker -> page. */
export type FromPixelCnnWorker =
  | ({ type: 'ready' } & BackendChoiceReport)
  | { type: 'trained'; step: number; loss: number | null; bitsPerDim: number | null; playing: boolean; stepsPerSecond: number | null }
  | { type: 'sample-start'; count: number; height: number; width: number }
  | ({ type: 'pixel'; drawn: number; total: number } & SampledPixel)
  | { type: 'sample-end'; drawn: number; total: number; seconds: number; stopped: boolean }
  | { type: 'saved'; key: string; step: number }
  | { type: 'loaded'; key: string; dataset: ImageDatasetName; step: number }
  | { type: 'exported'; saved: SavedPixelCnnRun }
  | { type: 'error'; context: string; message: string };

const TRAIN_SLICE_MS = 300;
/** Sampling yields to the event loop this often, so "stop" and training messages are heard. */
const SAMPLE_SLICE_MS = 40;
let baseUrl = '';
let lab: PixelCnnLab | null = null;
let labDataset: ImageDatasetName = 'mnist';
let playing = false;
let sampling: { sampler: PixelSampler; started: number } | null = null;
const enqueue = serialQueue();

const post = (message: FromPixelCnnWorker) => self.postMessage(message);

function postTrained(stepsPerSecond: number | null): void {
  if (!lab) return;
  const { loss, bitsPerDim } = lab.lastMetrics;
  post({ type: 'trained', step: lab.step, loss: loss ?? null, bitsPerDim: bitsPerDim ?? null, playing, stepsPerSecond });
}

const loadData = (dataset: ImageDatasetName) => loadImageSubset(dataset, baseUrl, { scale: '[0,1]', binarization: 'dynamic' });

async function build(dataset: ImageDatasetName, seed: number): Promise<void> {
  const data = await loadData(dataset);
  lab?.dispose();
  lab = new PixelCnnLab(data, { seed });
  labDataset = dataset;
  postTrained(null);
}

/** Replaces the run by a saved one (from IndexedDB, or a file when `key` is 'file'). */
async function restore(saved: SavedPixelCnnRun, key: string): Promise<void> {
  const dataset = expectOneOf(saved?.dataset, 'saved.dataset', IMAGE_DATASETS);
  endSampling(true);
  const next = await PixelCnnLab.load(await loadData(dataset), saved);
  lab?.dispose();
  lab = next;
  labDataset = dataset;
  postTrained(null);
  post({ type: 'loaded', key, dataset, step: next.step });
}

async function snapshot(): Promise<SavedPixelCnnRun> {
  if (!lab) throw new Error('no PixelCNN to save yet');
  return { ...(await lab.save()), dataset: labDataset };
}

async function trainLoop(): Promise<void> {
  while (playing && lab) {
    await enqueue(() => {
      if (!playing || !lab) return;
      const current = lab;
      const { stepsPerSecond, error } = trainForSlice(() => current.train(1), TRAIN_SLICE_MS);
      if (error) {
        playing = false;
        post({ type: 'error', context: 'training', message: error.message });
      }
      postTrained(stepsPerSecond);
    });
    await yieldToEvents();
  }
}

function endSampling(stopped: boolean): void {
  if (!sampling) return;
  const { sampler, started } = sampling;
  sampling = null;
  post({ type: 'sample-end', drawn: sampler.drawn, total: sampler.height * sampler.width, seconds: (performance.now() - started) / 1000, stopped });
}

/** Draws pixels in slices; every pixel is posted as soon as it is drawn. */
async function sampleLoop(): Promise<void> {
  const mine = sampling;
  while (sampling && sampling === mine) {
    await enqueue(() => {
      if (!sampling || sampling !== mine) return;
      const { sampler } = sampling;
      const total = sampler.height * sampler.width;
      const start = performance.now();
      try {
        do {
          const pixel = sampler.step();
          if (!pixel) break;
          post({ type: 'pixel', drawn: sampler.drawn, total, ...pixel });
        } while (performance.now() - start < SAMPLE_SLICE_MS);
      } catch (error) {
        post({ type: 'error', context: 'sampling', message: (error as Error).message });
        endSampling(true);
        return;
      }
      if (sampler.done) endSampling(false);
    });
    await yieldToEvents();
  }
}

async function handle(message: ToPixelCnnWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      baseUrl = message.baseUrl;
      const choice = await chooseBackend(message.backend, loaders);
      post({ type: 'ready', ...choice });
      await build(message.dataset, message.seed);
      return;
    }
    case 'configure':
      endSampling(true);
      await build(message.dataset, message.seed);
      return;
    case 'play':
      if (!playing) {
        playing = true;
        void trainLoop();
      }
      return;
    case 'pause':
      playing = false;
      postTrained(null);
      return;
    case 'sample': {
      if (!lab) throw new Error('no PixelCNN yet');
      endSampling(true);
      const sampler = lab.sampler(message.count, message.seed);
      sampling = { sampler, started: performance.now() };
      post({ type: 'sample-start', count: sampler.count, height: sampler.height, width: sampler.width });
      void sampleLoop();
      return;
    }
    case 'stop-sampling':
      endSampling(true);
      return;
    case 'save': {
      const saved = await snapshot();
      await saveRecord(message.key, saved);
      post({ type: 'saved', key: message.key, step: saved.step });
      return;
    }
    case 'load':
      await restore(await loadRecord<SavedPixelCnnRun>(message.key, 'a saved PixelCNN'), message.key);
      return;
    case 'export':
      post({ type: 'exported', saved: await snapshot() });
      return;
    case 'import':
      await restore(message.saved, 'file');
      return;
  }
}

self.onmessage = (event: MessageEvent<ToPixelCnnWorker>) => {
  const message = event.data;
  void enqueue(async () => {
    try {
      await handle(message);
    } catch (error) {
      post({ type: 'error', context: message.type, message: (error as Error).message });
    }
  });
};
