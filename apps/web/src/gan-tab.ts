// The GAN images tab on the page: settings, controls, the live sample grid; training runs in gan-worker.ts.
import type { ImageGrid } from '@tfgen/core';
import { CLASS_NAMES, type ImageDatasetName } from './assets';
import type { BackendChoiceReport } from './backend-probe';
import { checkGanImagesSettings, DEFAULT_GAN_IMAGES, type GanImagesSettings, type GanImagesView, type SavedGanImages } from './gan-images-lab';
import type { FromGanWorker, ToGanWorker } from './gan-worker';
import { savedFromJson, savedToJson } from './lab-store';
import type { BackendChoice } from './protocol';
import { drawLosses } from './render';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const STORE_KEY = 'gan-images';
/** On-screen zoom of the 28-px samples. */
const ZOOM = 2;

/** Puts an RGBA grid on a canvas at {@link ZOOM}x (pixelated by CSS). */
export function paintGrid(canvas: HTMLCanvasElement, grid: ImageGrid, zoom = ZOOM): void {
  canvas.width = grid.width;
  canvas.height = grid.height;
  canvas.style.width = `${grid.width * zoom}px`;
  canvas.style.height = `${grid.height * zoom}px`;
  canvas.getContext('2d')!.putImageData(new ImageData(Uint8ClampedArray.from(grid.data), grid.width, grid.height), 0, 0);
}

/** What tests and the curious can read: the last view, the backend and its probes. */
export interface GanTabState {
  view: GanImagesView | null;
  backend: BackendChoiceReport | null;
  views: number;
  /** The backend the worker reported before the last view (after a switch: the view of the rebuilt run). */
  viewBackend: string | null;
  saved: number | null;
}

/** Wires the GAN tab; `start` (on first showing) creates the worker, which loads the data and the backend. */
export function setUpGanTab(options: { onError: (text: string) => void; download: (name: string, blob: Blob) => void }): {
  start: (backend: BackendChoice) => void;
  switchBackend: (backend: BackendChoice) => void;
  state: GanTabState;
} {
  const state: GanTabState = { view: null, backend: null, views: 0, viewBackend: null, saved: null };
  let worker: Worker | null = null;
  let playing = false;
  const send = (message: ToGanWorker) => worker?.postMessage(message);
  const status = (text: string) => ($('gan-status').textContent = text);
  const play = $<HTMLButtonElement>('gan-play');
  const setPlaying = (value: boolean) => {
    playing = value;
    play.textContent = value ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(value));
  };
  const readSettings = (): GanImagesSettings =>
    checkGanImagesSettings({
      model: $<HTMLSelectElement>('gan-model').value,
      dataset: $<HTMLSelectElement>('gan-dataset').value,
      width: Number($<HTMLInputElement>('gan-width').value),
      batchSize: Number($<HTMLInputElement>('gan-batch').value),
      learningRate: Number($<HTMLInputElement>('gan-lr').value),
      seed: Number($<HTMLInputElement>('gan-seed').value),
      latentDim: DEFAULT_GAN_IMAGES.latentDim,
    });
  const writeSettings = (settings: GanImagesSettings) => {
    $<HTMLSelectElement>('gan-model').value = settings.model;
    $<HTMLSelectElement>('gan-dataset').value = settings.dataset;
    $<HTMLInputElement>('gan-width').value = String(settings.width);
    $<HTMLInputElement>('gan-batch').value = String(settings.batchSize);
    $<HTMLInputElement>('gan-lr').value = String(settings.learningRate);
    $<HTMLInputElement>('gan-seed').value = String(settings.seed);
  };
  const configure = () => {
    try {
      const settings = readSettings();
      setPlaying(false);
      send({ type: 'pause' });
      send({ type: 'configure', settings });
    } catch (error) {
      options.onError(`GAN settings: ${(error as Error).message}`);
    }
  };
  const showRows = (view: GanImagesView) => {
    const list = $<HTMLOListElement>('gan-row-labels');
    list.hidden = view.model !== 'cgan';
    if (list.hidden) return;
    const names = CLASS_NAMES[view.dataset as ImageDatasetName];
    const rowHeight = (view.grid.height - 2) / view.rows; // 28 px image + 2 px padding per row
    list.style.paddingTop = `${2 * ZOOM}px`;
    list.replaceChildren(
      ...names.map((name) => {
        const item = document.createElement('li');
        item.textContent = name;
        item.style.height = `${(rowHeight - 2) * ZOOM}px`;
        item.style.marginBottom = `${2 * ZOOM}px`;
        return item;
      }),
    );
  };

  play.addEventListener('click', () => {
    setPlaying(!playing);
    send({ type: playing ? 'play' : 'pause' });
  });
  $('gan-step').addEventListener('click', () => send({ type: 'step', steps: 1 }));
  $('gan-reset').addEventListener('click', configure);
  for (const id of ['gan-model', 'gan-dataset', 'gan-width', 'gan-batch', 'gan-lr', 'gan-seed']) $(id).addEventListener('change', configure);
  $('gan-save').addEventListener('click', () => send({ type: 'save', key: STORE_KEY }));
  $('gan-load').addEventListener('click', () => {
    setPlaying(false);
    send({ type: 'pause' });
    send({ type: 'load', key: STORE_KEY });
  });
  $('gan-download').addEventListener('click', () => send({ type: 'export' }));
  $<HTMLInputElement>('gan-upload').addEventListener('change', async (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const saved = savedFromJson<SavedGanImages>(await file.text(), { file: 'GAN model file', format: 'tfgen-web-gan-images', version: 1, writtenBy: 'Download model' });
      setPlaying(false);
      send({ type: 'pause' });
      send({ type: 'import', saved });
    } catch (error) {
      options.onError(`GAN: ${(error as Error).message}`);
    } finally {
      input.value = ''; // the same file can be opened again
    }
  });
  $('gan-png').addEventListener('click', () => {
    const view = state.view;
    $<HTMLCanvasElement>('gan-grid').toBlob((blob) => blob && options.download(`tfgen-${view?.model ?? 'gan'}-${view?.dataset ?? ''}-step-${view?.step ?? 0}.png`, blob), 'image/png');
  });

  const start = (backend: BackendChoice) => {
    if (worker) return;
    let settings: GanImagesSettings;
    try {
      settings = readSettings();
    } catch (error) {
      options.onError(`GAN settings: ${(error as Error).message}`);
      return;
    }
    status('loading the data and the backend...');
    worker = new Worker(new URL('./gan-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromGanWorker>) => {
      const message = event.data;
      switch (message.type) {
        case 'ready':
          state.backend = { report: message.report, probes: message.probes };
          status(`backend ${message.report.name}`);
          return;
        case 'view': {
          const { view } = message;
          state.view = view;
          state.views++;
          state.viewBackend = state.backend?.report.name ?? null;
          paintGrid($<HTMLCanvasElement>('gan-grid'), view.grid);
          $('gan-grid').setAttribute('aria-label', `${view.model === 'cgan' ? 'Conditional GAN' : 'DCGAN'} samples on ${view.dataset} at step ${view.step}: ${view.rows} rows of ${view.columns}`);
          showRows(view);
          drawLosses($<HTMLCanvasElement>('gan-losses'), view.history);
          $('gan-step-count').textContent = String(view.step);
          if (message.stepsPerSecond !== null) $('gan-sps').textContent = message.stepsPerSecond.toFixed(1);
          const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(3));
          $('gan-dloss').textContent = fmt(view.metrics['loss/discriminator']);
          $('gan-gloss').textContent = fmt(view.metrics['loss/generator']);
          return;
        }
        case 'saved':
          state.saved = message.step;
          status(`saved to this browser (IndexedDB) at step ${message.step}`);
          return;
        case 'loaded':
          writeSettings(message.settings);
          status(message.key === 'file' ? 'loaded the model file' : 'loaded from this browser (IndexedDB)');
          return;
        case 'exported':
          options.download(`tfgen-${message.saved.settings.model}-${message.saved.settings.dataset}-step-${message.saved.step}.json`, new Blob([savedToJson(message.saved)], { type: 'application/json' }));
          return;
        case 'error':
          if (message.context === 'training') setPlaying(false);
          options.onError(`GAN ${message.context}: ${message.message}`);
          return;
      }
    };
    worker.onerror = (event) => options.onError(`GAN worker: ${event.message}`);
    send({ type: 'init', backend, baseUrl: document.baseURI, settings });
  };
  /** Moves a started tab's run to another backend (the worker keeps the model: weights, Adam state, data order). */
  const switchBackend = (backend: BackendChoice) => {
    if (!worker) return;
    setPlaying(false);
    send({ type: 'pause' });
    status(`switching to ${backend}...`);
    send({ type: 'backend', backend });
  };
  return { start, switchBackend, state };
}
