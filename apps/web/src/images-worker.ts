/// <reference lib="webworker" />
// The Images tab's training loop: a 2-D-latent VAE on the app's MNIST subset, off the page's thread.
import { loaders } from './backend-loaders';
import { chooseBackend } from './backend-probe';
import type { BackendChoice } from './protocol';
import { VaeLab, mnistSubset, type VaeView } from './vae-lab';
import { serialQueue } from './serial-queue';

declare const self: DedicatedWorkerGlobalScope;

/** Page -> images worker. */
export type ToImagesWorker =
  | { type: 'init'; backend: BackendChoice; imagesUrl: string; labelsUrl: string; seed: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number }
  | { type: 'reset'; seed: number };

/** Images worker -> page. */
export type FromImagesWorker =
  | { type: 'ready'; backend: string; images: number }
  | { type: 'view'; view: VaeView; playing: boolean; stepsPerSecond: number | null }
  | { type: 'error'; context: string; message: string };

const SLICE_MS = 250;
let data: ReturnType<typeof mnistSubset> | null = null;
let lab: VaeLab | null = null;
let playing = false;
const enqueue = serialQueue();

const post = (message: FromImagesWorker) => self.postMessage(message);

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} (run "pnpm build", which copies the MNIST subset into public/)`);
  return new Uint8Array(await response.arrayBuffer());
}

function postView(stepsPerSecond: number | null): void {
  if (lab) post({ type: 'view', view: lab.view(), playing, stepsPerSecond });
}

async function loop(): Promise<void> {
  while (playing && lab) {
    await enqueue(() => {
      if (!playing || !lab) return;
      const start = performance.now();
      let steps = 0;
      try {
        while (performance.now() - start < SLICE_MS) {
          lab.train(1);
          steps++;
        }
      } catch (error) {
        playing = false;
        post({ type: 'error', context: 'training', message: (error as Error).message });
      }
      postView(steps / ((performance.now() - start) / 1000));
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function handle(message: ToImagesWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      const { report } = await chooseBackend(message.backend, loaders);
      data = mnistSubset(await fetchBytes(message.imagesUrl), await fetchBytes(message.labelsUrl));
      lab = new VaeLab(data, { seed: message.seed });
      post({ type: 'ready', backend: report.name, images: data.count });
      postView(null);
      return;
    }
    case 'reset':
      if (!data) return;
      lab?.dispose();
      lab = new VaeLab(data, { seed: message.seed });
      postView(null);
      return;
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
  }
}

self.onmessage = (event: MessageEvent<ToImagesWorker>) => {
  const message = event.data;
  void enqueue(async () => {
    try {
      await handle(message);
    } catch (error) {
      post({ type: 'error', context: message.type, message: (error as Error).message });
    }
  });
};
