// The PixelCNN tab on the page: training controls and the canvas that fills in pixel by pixel.
import type { ImageDatasetName } from './assets';
import type { BackendChoiceReport } from './backend-probe';
import { savedFromJson, savedToJson } from './lab-store';
import type { FromPixelCnnWorker, SavedPixelCnnRun, ToPixelCnnWorker } from './pixel-cnn-worker';
import type { BackendChoice } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
/** Sample images are laid out in a row, 28 px each with 2 px gaps, drawn at 4x zoom. */
const GAP = 2;
const ZOOM = 4;
const STORE_KEY = 'pixelcnn';

/** What tests and the curious can read. */
export interface PixelCnnTabState {
  backend: BackendChoiceReport | null;
  step: number;
  /** Pixels drawn in the current (or last) sampling, and how many there are. */
  drawn: number;
  total: number;
  sampling: boolean;
  samplesFinished: number;
  /** Step of the last IndexedDB save, and of the last run loaded (from IndexedDB or a file). */
  saved: number | null;
  loaded: number | null;
}

/** Wires the PixelCNN tab; `start` creates the worker on first showing. */
export function setUpPixelCnnTab(options: { onError: (text: string) => void; download: (name: string, blob: Blob) => void }): {
  start: (backend: BackendChoice) => void;
  state: PixelCnnTabState;
} {
  const state: PixelCnnTabState = { backend: null, step: 0, drawn: 0, total: 0, sampling: false, samplesFinished: 0, saved: null, loaded: null };
  let worker: Worker | null = null;
  let playing = false;
  let layout = { count: 0, height: 28, width: 28 };
  let image: ImageData | null = null;
  let pending = false;
  const canvas = $<HTMLCanvasElement>('pcnn-canvas');
  const send = (message: ToPixelCnnWorker) => worker?.postMessage(message);
  const status = (text: string) => ($('pcnn-status').textContent = text);
  const play = $<HTMLButtonElement>('pcnn-play');
  const setPlaying = (value: boolean) => {
    playing = value;
    play.textContent = value ? 'Pause training' : 'Train';
    play.setAttribute('aria-pressed', String(value));
  };
  const setSampling = (value: boolean) => {
    state.sampling = value;
    $<HTMLButtonElement>('pcnn-stop').disabled = !value;
  };
  const seedOf = (id: string) => {
    const value = Number($<HTMLInputElement>(id).value);
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${id}: expected a non-negative integer, got ${$<HTMLInputElement>(id).value}`);
    return value;
  };
  const dataset = () => $<HTMLSelectElement>('pcnn-dataset').value as ImageDatasetName;
  // Pixels arrive faster than frames: write them into one ImageData and paint once per animation frame.
  const paint = () => {
    pending = false;
    if (image) canvas.getContext('2d')!.putImageData(image, 0, 0);
    if (image && state.sampling && state.drawn < state.total) {
      const row = Math.floor(state.drawn / layout.width);
      const column = state.drawn % layout.width;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#e03131';
      for (let i = 0; i < layout.count; i++) ctx.fillRect(GAP + i * (layout.width + GAP) + column, GAP + row, 1, 1);
    }
  };
  const schedulePaint = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(paint);
  };

  play.addEventListener('click', () => {
    setPlaying(!playing);
    send({ type: playing ? 'play' : 'pause' });
  });
  const reset = () => {
    setPlaying(false);
    send({ type: 'pause' });
    send({ type: 'configure', dataset: dataset(), seed: 1 });
  };
  $('pcnn-reset').addEventListener('click', reset);
  $('pcnn-dataset').addEventListener('change', reset);
  $('pcnn-sample').addEventListener('click', () => {
    try {
      const count = Number($<HTMLInputElement>('pcnn-count').value);
      if (!Number.isInteger(count) || count < 1 || count > 16) throw new RangeError(`pcnn-count: expected an integer in 1..16, got ${$<HTMLInputElement>('pcnn-count').value}`);
      setPlaying(false);
      send({ type: 'pause' });
      send({ type: 'sample', count, seed: seedOf('pcnn-sample-seed') });
    } catch (error) {
      options.onError(`PixelCNN: ${(error as Error).message}`);
    }
  });
  $('pcnn-stop').addEventListener('click', () => send({ type: 'stop-sampling' }));
  const pause = () => {
    setPlaying(false);
    send({ type: 'pause' });
  };
  $('pcnn-save').addEventListener('click', () => send({ type: 'save', key: STORE_KEY }));
  $('pcnn-load').addEventListener('click', () => {
    pause();
    send({ type: 'load', key: STORE_KEY });
  });
  $('pcnn-download').addEventListener('click', () => send({ type: 'export' }));
  $<HTMLInputElement>('pcnn-upload').addEventListener('change', async (event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const saved = savedFromJson<SavedPixelCnnRun>(await file.text(), { file: 'PixelCNN model file', format: 'tfgen-web-pixelcnn', version: 1, writtenBy: 'Download model' });
      pause();
      send({ type: 'import', saved });
    } catch (error) {
      options.onError(`PixelCNN: ${(error as Error).message}`);
    } finally {
      input.value = ''; // the same file can be opened again
    }
  });
  $('pcnn-png').addEventListener('click', () => {
    canvas.toBlob((blob) => blob && options.download(`tfgen-pixelcnn-samples-step-${state.step}.png`, blob), 'image/png');
  });

  const start = (backend: BackendChoice) => {
    if (worker) return;
    status('loading the data and the backend...');
    worker = new Worker(new URL('./pixel-cnn-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromPixelCnnWorker>) => {
      const message = event.data;
      switch (message.type) {
        case 'ready':
          state.backend = { report: message.report, probes: message.probes };
          status(`backend ${message.report.name}`);
          return;
        case 'trained':
          state.step = message.step;
          $('pcnn-step-count').textContent = String(message.step);
          if (message.stepsPerSecond !== null) $('pcnn-sps').textContent = message.stepsPerSecond.toFixed(1);
          $('pcnn-loss').textContent = message.loss === null ? '-' : message.loss.toFixed(1);
          $('pcnn-bpd').textContent = message.bitsPerDim === null ? '-' : message.bitsPerDim.toFixed(3);
          return;
        case 'sample-start': {
          layout = { count: message.count, height: message.height, width: message.width };
          canvas.width = GAP + message.count * (message.width + GAP);
          canvas.height = message.height + 2 * GAP;
          canvas.style.width = `${canvas.width * ZOOM}px`;
          canvas.style.height = `${canvas.height * ZOOM}px`;
          image = new ImageData(canvas.width, canvas.height);
          // Background: grey padding, undrawn pixels dark blue, so progress is visible.
          for (let p = 0; p < image.data.length; p += 4) image.data.set([60, 60, 60, 255], p);
          for (let i = 0; i < message.count; i++) {
            for (let r = 0; r < message.height; r++) {
              for (let c = 0; c < message.width; c++) image.data.set([20, 30, 70, 255], 4 * ((GAP + r) * canvas.width + GAP + i * (message.width + GAP) + c));
            }
          }
          state.drawn = 0;
          state.total = message.height * message.width;
          setSampling(true);
          schedulePaint();
          return;
        }
        case 'pixel': {
          if (!image) return;
          message.values.forEach((value, i) => {
            const v = value ? 255 : 0;
            image!.data.set([v, v, v, 255], 4 * ((GAP + message.row) * canvas.width + GAP + i * (layout.width + GAP) + message.column));
          });
          state.drawn = message.drawn;
          $('pcnn-progress').textContent = `${message.drawn} / ${message.total}`;
          schedulePaint();
          return;
        }
        case 'sample-end':
          setSampling(false);
          state.drawn = message.drawn;
          if (!message.stopped) state.samplesFinished++;
          status(`${message.stopped ? 'stopped after' : 'drew'} ${message.drawn} of ${message.total} pixels in ${message.seconds.toFixed(1)} s`);
          schedulePaint();
          return;
        case 'saved':
          state.saved = message.step;
          status(`saved to this browser (IndexedDB) at step ${message.step}`);
          return;
        case 'loaded':
          state.loaded = message.step;
          $<HTMLSelectElement>('pcnn-dataset').value = message.dataset;
          status(message.key === 'file' ? `loaded the model file (step ${message.step})` : `loaded from this browser (IndexedDB), step ${message.step}`);
          return;
        case 'exported':
          options.download(`tfgen-pixelcnn-${message.saved.dataset}-step-${message.saved.step}.json`, new Blob([savedToJson(message.saved)], { type: 'application/json' }));
          return;
        case 'error':
          if (message.context === 'training') setPlaying(false);
          if (message.context === 'sampling') setSampling(false);
          options.onError(`PixelCNN ${message.context}: ${message.message}`);
          return;
      }
    };
    worker.onerror = (event) => options.onError(`PixelCNN worker: ${event.message}`);
    send({ type: 'init', backend, baseUrl: document.baseURI, dataset: dataset(), seed: 1 });
  };
  return { start, state };
}
