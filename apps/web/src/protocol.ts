import type { BackendName, BackendReport } from '@tfgen/core';
import type { BackendProbe } from './backend-probe';
import type { Frame, SavedRun } from './lab-run';
import type { LabSettings, RunSettings } from './settings';

/** The two runs of the lab: `a` always, `b` when comparing. */
export type RunId = 'a' | 'b';

/** The whole lab as plain data: what IndexedDB stores and what a download holds. */
export interface SavedLab {
  format: 'tfgen-web-2d-lab';
  version: 1;
  savedAt: string;
  runs: { a: SavedRun; b?: SavedRun };
}

/** `auto` times a probe on each of WebGPU, WebGL, wasm, cpu and keeps the fastest; a name asks for that backend. */
export type BackendChoice = 'auto' | BackendName;

/** Page -> worker. */
export type ToWorker =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'configure'; lab: LabSettings; runs: { a: RunSettings; b: RunSettings | null } }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number }
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'save'; key: string }
  | { type: 'load'; key: string }
  | { type: 'export' }
  | { type: 'import'; lab: SavedLab };

/** Worker -> page. */
export type FromWorker =
  | { type: 'backend'; report: BackendReport; probes: BackendProbe[] | null }
  | { type: 'frame'; playing: boolean; stepsPerSecond: number | null; frames: { a: Frame; b?: Frame } }
  | { type: 'saved'; key: string; step: number }
  | { type: 'loaded'; key: string; lab: LabSettings; runs: { a: RunSettings; b: RunSettings | null } }
  | { type: 'exported'; lab: SavedLab }
  | { type: 'error'; context: string; message: string };
