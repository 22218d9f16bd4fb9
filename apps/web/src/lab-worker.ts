/// <reference lib="webworker" />
// The 2D lab's training loop, off the page's thread. Messages carry plain data and typed arrays.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendReport } from '@tfgen/core';
import { loaders } from './backend-loaders';
import { chooseBackend } from './backend-probe';
import { LabRun, type Frame } from './lab-run';
import { loadLab, saveLab } from './lab-store';
import type { BackendChoice, FromWorker, RunId, SavedLab, ToWorker } from './protocol';
import { serialQueue } from './serial-queue';

declare const self: DedicatedWorkerGlobalScope;

/**
 * Training time per frame: at least 120 ms, and three times what the last frame took to compute,
 * so drawing never costs more than a quarter of the time on a slow backend; at most 1 s.
 */
let sliceMs = 120;

let runs: { a: LabRun; b?: LabRun } | null = null;
let playing = false;
let backend: BackendReport | null = null;
/** Messages and training slices run one at a time, in order, so a save never sees a half-built run. */
const enqueue = serialQueue();

function post(message: FromWorker): void {
  self.postMessage(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `auto` times a probe on every candidate and keeps the fastest (see {@link chooseBackend}). */
async function selectBackend(choice: BackendChoice): Promise<void> {
  const { report, probes } = await chooseBackend(choice, loaders);
  backend = report;
  post({ type: 'backend', report, probes });
}

function frames(): { a: Frame; b?: Frame } {
  if (!runs) throw new Error('no runs yet (send "configure" first)');
  return runs.b ? { a: runs.a.frame(), b: runs.b.frame() } : { a: runs.a.frame() };
}

function each(act: (run: LabRun, id: RunId) => void): void {
  if (!runs) return;
  act(runs.a, 'a');
  if (runs.b) act(runs.b, 'b');
}

function disposeRuns(): void {
  each((run) => run.dispose());
  runs = null;
}

async function snapshot(): Promise<SavedLab> {
  if (!runs) throw new Error('no runs to save');
  return {
    format: 'tfgen-web-2d-lab',
    version: 1,
    savedAt: new Date().toISOString(),
    runs: runs.b ? { a: await runs.a.save(), b: await runs.b.save() } : { a: await runs.a.save() },
  };
}

async function restore(lab: SavedLab): Promise<void> {
  const a = await LabRun.load(lab.runs.a);
  let b: LabRun | undefined;
  try {
    b = lab.runs.b ? await LabRun.load(lab.runs.b) : undefined;
  } catch (error) {
    a.dispose();
    throw error;
  }
  disposeRuns();
  runs = b ? { a, b } : { a };
}

function postFrame(stepsPerSecond: number | null): void {
  post({ type: 'frame', playing, stepsPerSecond, frames: frames() });
}

/** Trains while playing, one time slice per frame, yielding to the message queue between slices. */
async function loop(): Promise<void> {
  while (playing && runs) {
    await enqueue(() => {
      if (!playing || !runs) return;
      const start = performance.now();
      let steps = 0;
      try {
        while (performance.now() - start < sliceMs) {
          each((run) => run.train(1));
          steps++;
        }
      } catch (error) {
        playing = false;
        post({ type: 'error', context: 'training', message: describe(error) });
      }
      const trained = performance.now();
      postFrame(steps / ((trained - start) / 1000));
      sliceMs = Math.min(1000, Math.max(120, 3 * (performance.now() - trained)));
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      await selectBackend(message.backend);
      return;
    case 'configure': {
      const a = new LabRun(message.lab, message.runs.a);
      let b: LabRun | undefined;
      try {
        b = message.runs.b ? new LabRun(message.lab, message.runs.b) : undefined;
      } catch (error) {
        a.dispose();
        throw error;
      }
      disposeRuns();
      runs = b ? { a, b } : { a };
      postFrame(null);
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
      postFrame(null);
      return;
    case 'step': {
      const start = performance.now();
      for (let i = 0; i < message.steps; i++) each((run) => run.train(1));
      postFrame(message.steps / ((performance.now() - start) / 1000));
      return;
    }
    case 'backend': {
      const saved = runs ? await snapshot() : null;
      const previous = backend?.name;
      try {
        await selectBackend(message.backend);
      } catch (error) {
        if (previous) await selectBackend(previous);
        throw error;
      }
      // Variables live on the old backend: rebuild the runs from plain arrays on the new one.
      if (saved) await restore(saved);
      if (runs) postFrame(null);
      return;
    }
    case 'save': {
      const lab = await snapshot();
      await saveLab(message.key, lab);
      post({ type: 'saved', key: message.key, step: lab.runs.a.step });
      return;
    }
    case 'load': {
      const lab = await loadLab(message.key);
      await restore(lab);
      post({ type: 'loaded', key: message.key, lab: lab.runs.a.lab, runs: { a: lab.runs.a.run, b: lab.runs.b?.run ?? null } });
      postFrame(null);
      return;
    }
    case 'export':
      post({ type: 'exported', lab: await snapshot() });
      return;
    case 'import':
      await restore(message.lab);
      post({ type: 'loaded', key: 'file', lab: message.lab.runs.a.lab, runs: { a: message.lab.runs.a.run, b: message.lab.runs.b?.run ?? null } });
      postFrame(null);
      return;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  void enqueue(async () => {
    try {
      await handle(message);
    } catch (error) {
      post({ type: 'error', context: message.type, message: describe(error) });
    }
  });
};

// Leak check for the curious: the count stays flat while training.
(self as unknown as { tfMemory: () => tf.MemoryInfo }).tfMemory = () => tf.memory();
