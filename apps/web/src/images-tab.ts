// The Images tab on the page: starts the VAE worker on first use and draws its views.
import type { ImageGrid } from '@tfgen/core';
import type { FromImagesWorker, ToImagesWorker } from './images-worker';
import { MNIST_FILES } from './assets';
import type { VaeView } from './vae-lab';
import type { BackendChoice } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function paint(canvas: HTMLCanvasElement, grid: ImageGrid): void {
  canvas.width = grid.width;
  canvas.height = grid.height;
  const image = new ImageData(Uint8ClampedArray.from(grid.data), grid.width, grid.height);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

function drawLoss(canvas: HTMLCanvasElement, history: VaeView['history']): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (history.length < 2) return;
  const values = history.map((h) => h.loss);
  const min = Math.min(...values);
  const max = Math.max(...values) + 1e-6;
  ctx.strokeStyle = '#1f5fbf';
  ctx.beginPath();
  history.forEach((h, i) => {
    const x = 4 + (i / (history.length - 1)) * (width - 8);
    const y = height - 14 - ((h.loss - min) / (max - min)) * (height - 20);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
  ctx.fillStyle = '#333';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`loss ${min.toFixed(1)} .. ${max.toFixed(1)} nats`, 6, height - 3);
}

/** Wires the Images tab; `start` is called when the tab is first shown (the worker and data load lazily). */
export function setUpImagesTab(options: { onError: (text: string) => void; download: (name: string, blob: Blob) => void }): {
  start: (backend: BackendChoice) => void;
  state: { view: VaeView | null; backend: string | null };
} {
  const state: { view: VaeView | null; backend: string | null } = { view: null, backend: null };
  let worker: Worker | null = null;
  let playing = false;
  const send = (message: ToImagesWorker) => worker?.postMessage(message);
  const play = $<HTMLButtonElement>('vae-play');
  const setPlaying = (value: boolean) => {
    playing = value;
    play.textContent = value ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(value));
  };
  play.addEventListener('click', () => {
    setPlaying(!playing);
    send({ type: playing ? 'play' : 'pause' });
  });
  $('vae-step').addEventListener('click', () => send({ type: 'step', steps: 1 }));
  $('vae-reset').addEventListener('click', () => send({ type: 'reset', seed: 1 }));
  $('vae-png').addEventListener('click', () => {
    $<HTMLCanvasElement>('vae-grid').toBlob((blob) => blob && options.download(`tfgen-vae-latent-grid-step-${state.view?.step ?? 0}.png`, blob), 'image/png');
  });
  const start = (backend: BackendChoice) => {
    if (worker) return;
    $('vae-status').textContent = 'loading the MNIST subset and the backend...';
    worker = new Worker(new URL('./images-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromImagesWorker>) => {
      const message = event.data;
      if (message.type === 'ready') {
        state.backend = message.backend;
        $('vae-status').textContent = `${message.images} digits loaded; backend ${message.backend}`;
      } else if (message.type === 'view') {
        state.view = message.view;
        paint($<HTMLCanvasElement>('vae-grid'), message.view.latentGrid);
        paint($<HTMLCanvasElement>('vae-interpolation'), message.view.interpolation);
        drawLoss($<HTMLCanvasElement>('vae-losses'), message.view.history);
        $('vae-step-count').textContent = String(message.view.step);
        if (message.stepsPerSecond !== null) $('vae-sps').textContent = message.stepsPerSecond.toFixed(1);
        $('vae-eval').textContent = message.view.evalLoss.toFixed(1);
        $('vae-kl').textContent = message.view.metrics.kl === undefined ? '-' : message.view.metrics.kl.toFixed(2);
      } else {
        if (message.context === 'training') setPlaying(false);
        options.onError(`images ${message.context}: ${message.message}`);
      }
    };
    worker.onerror = (event) => options.onError(`images worker: ${event.message}`);
    send({
      type: 'init',
      backend,
      imagesUrl: new URL(MNIST_FILES.images, document.baseURI).href,
      labelsUrl: new URL(MNIST_FILES.labels, document.baseURI).href,
      seed: 1,
    });
  };
  return { start, state };
}
