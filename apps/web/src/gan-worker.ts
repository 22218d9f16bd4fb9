/// <reference lib="webworker" />
// The image GANs' training loop (DCGAN, conditional GAN), off the page's thread.
import type { ImageDataset } from '@tfgen/datasets';
import type { ImageDatasetName } from './assets';
import { loaders } from './backend-loaders';
import { chooseBackend, type BackendChoiceReport } from './backend-probe';
import { GanImagesLab, checkGanImagesSettings, type GanImagesSettings, type GanImagesView, type SavedGanImages } from './gan-images-lab';
import { loadRecord, saveRecord } from './lab-store';
import type { BackendChoice } from './protocol';
import { serialQueue } from './serial-queue';
import { loadImageSubset, trainForSlice, yieldToEvents } from './worker-support';

declare const self: DedicatedWorkerGlobalScope;

/** Page -> GAN worker. */
export type ToGanWorker =
  | { type: 'init'; backend: BackendChoice; baseUrl: string; settings: GanImagesSettings }
  | { type: 'configure'; settings: GanImagesSettings }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number }
  | { type: 'save'; key: string }
  | { type: 'load'; key: string }
  | { type: 'export' }
  | { type: 'import'; saved: SavedGanImages }
  | { type: 'backend'; backend: BackendChoice };

/** GAN worker -> page. */
export type FromGanWorker =
  | ({ type: 'ready' } & BackendChoiceReport)
  | { type: 'view'; view: GanImagesView; playing: boolean; stepsPerSecond: number | null }
  | { type: 'saved'; key: string; step: number }
  | { type: 'loaded'; key: string; settings: GanImagesSettings }
  | { type: 'exported'; saved: SavedGanImages }
  | { type: 'error'; context: string; message: string };

/** Training time per posted view; a step of the default model is tens of ms on wasm, so views come a few times a second. */
const SLICE_MS = 300;
const datasets = new Map<ImageDatasetName, ImageDataset>();
let baseUrl = '';
let lab: GanImagesLab | null = null;
let backendName: BackendChoiceReport['report']['name'] | null = null;
let playing = false;
const enqueue = serialQueue();

const post = (message: FromGanWorker) => self.postMessage(message);

async function dataset(name: ImageDatasetName): Promise<ImageDataset> {
  let data = datasets.get(name);
  if (!data) {
    data = await loadImageSubset(name, baseUrl, { scale: '[-1,1]' });
    datasets.set(name, data);
  }
  return data;
}

function postView(stepsPerSecond: number | null): void {
  if (lab) post({ type: 'view', view: lab.view(), playing, stepsPerSecond });
}

async function replace(next: GanImagesLab): Promise<void> {
  lab?.dispose();
  lab = next;
  postView(null);
}

/** Rebuilds a saved run (from IndexedDB, or a file when `key` is 'file') on its dataset and shows it. */
async function restore(saved: SavedGanImages, key: string): Promise<void> {
  const settings = checkGanImagesSettings(saved.settings);
  await replace(await GanImagesLab.load(await dataset(settings.dataset), saved));
  post({ type: 'loaded', key, settings });
}

/** Trains while playing, one time slice per view, yielding between slices so messages (pause, save) get through. */
async function loop(): Promise<void> {
  while (playing && lab) {
    await enqueue(() => {
      if (!playing || !lab) return;
      const current = lab;
      const { stepsPerSecond, error } = trainForSlice(() => current.train(1), SLICE_MS);
      if (error) {
        playing = false;
        post({ type: 'error', context: 'training', message: error.message });
      }
      postView(stepsPerSecond);
    });
    await yieldToEvents();
  }
}

async function handle(message: ToGanWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      baseUrl = message.baseUrl;
      const choice = await chooseBackend(message.backend, loaders);
      backendName = choice.report.name;
      const settings = checkGanImagesSettings(message.settings);
      post({ type: 'ready', ...choice });
      await replace(new GanImagesLab(await dataset(settings.dataset), settings));
      return;
    }
    case 'configure': {
      const settings = checkGanImagesSettings(message.settings);
      await replace(new GanImagesLab(await dataset(settings.dataset), settings));
      return;
    }
    case 'play':
      if (!playing) {
        playing = true;
        void loop();
      }
      return;
    case 'pause':
      playing = false;
      postView(null);
      return;
    case 'step': {
      if (!lab) return;
      const start = performance.now();
      lab.train(message.steps);
      postView(message.steps / ((performance.now() - start) / 1000));
      return;
    }
    case 'save': {
      if (!lab) throw new Error('no GAN run to save yet');
      const saved = await lab.save();
      await saveRecord(message.key, saved);
      post({ type: 'saved', key: message.key, step: saved.step });
      return;
    }
    case 'load': {
      const saved = await loadRecord<SavedGanImages>(message.key, 'a saved GAN run');
      await restore(saved, message.key);
      return;
    }
    case 'export': {
      if (!lab) throw new Error('no GAN run to download yet');
      post({ type: 'exported', saved: await lab.save() });
      return;
    }
    case 'import':
      await restore(message.saved, 'file');
      return;
    case 'backend': {
      // Variables live on the old backend: capture the run as plain arrays, switch, rebuild it on the new one.
      playing = false;
      const saved = lab ? await lab.save() : null;
      lab?.dispose();
      lab = null;
      try {
        const choice = await chooseBackend(message.backend, loaders);
        backendName = choice.report.name;
        post({ type: 'ready', ...choice });
      } catch (error) {
        // A refused backend may have been made active: go back to the one that worked.
        if (backendName) await chooseBackend(backendName, loaders);
        throw error;
      } finally {
        if (saved) await replace(await GanImagesLab.load(await dataset(saved.settings.dataset), saved));
      }
      return;
    }
  }
}

self.onmessage = (event: MessageEvent<ToGanWorker>) => {
  const message = event.data;
  void enqueue(async () => {
    try {
      await handle(message);
    } catch (error) {
      post({ type: 'error', context: message.type, message: (error as Error).message });
    }
  });
};
