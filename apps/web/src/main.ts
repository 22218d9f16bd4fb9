// The page: builds the controls, sends settings to the training worker, draws its frames.
import { ganLossNames } from '@tfgen/losses';
import type { Frame } from './lab-run';
import { labFromJson, labToJson } from './lab-store';
import type { BackendChoice, FromWorker, RunId, ToWorker } from './protocol';
import { setUpGanTab } from './gan-tab';
import { setUpImagesTab } from './images-tab';
import { setUpPixelCnnTab } from './pixel-cnn-tab';
import { describeProbes, type BackendProbe } from './backend-probe';
import { drawFrame, drawLosses, type LayerToggles } from './render';
import {
  DEFAULT_DRAWN_POINTS,
  DEFAULT_LAB,
  DEFAULT_RUN,
  DRAWN_WINDOW,
  MAX_DRAWN_POINTS,
  MIXTURE_NAMES,
  PENALTY_NAMES,
  checkLabSettings,
  checkRunSettings,
  type LabSettings,
  type RunSettings,
} from './settings';

const STORE_KEY = 'lab';
const RUN_IDS: RunId[] = ['a', 'b'];
/** Run B starts as the same GAN with PacGAN packing 2, so "compare" shows a strategy's effect at once. */
const DEFAULT_B: RunSettings = { ...DEFAULT_RUN, packing: 2 };

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing element #${id}`);
  return element as T;
};

type Field =
  | { key: keyof RunSettings; label: string; kind: 'select'; options: readonly string[] }
  | { key: keyof RunSettings; label: string; kind: 'number'; step: string; min: number }
  | { key: keyof RunSettings; label: string; kind: 'check' };

const FIELDS: Field[] = [
  { key: 'loss', label: 'Loss', kind: 'select', options: ganLossNames },
  { key: 'penalty', label: 'Gradient penalty', kind: 'select', options: PENALTY_NAMES },
  { key: 'penaltyWeight', label: 'Penalty weight', kind: 'number', step: '0.1', min: 0 },
  { key: 'spectralNorm', label: 'Spectral norm (D)', kind: 'check' },
  { key: 'minibatchDiscrimination', label: 'Minibatch discrimination', kind: 'check' },
  { key: 'generatorLearningRate', label: 'G learning rate', kind: 'number', step: '0.0001', min: 0 },
  { key: 'discriminatorLearningRate', label: 'D learning rate (TTUR)', kind: 'number', step: '0.0001', min: 0 },
  { key: 'discriminatorSteps', label: 'D steps per G step', kind: 'number', step: '1', min: 1 },
  { key: 'unrolledSteps', label: 'Unrolled steps k', kind: 'number', step: '1', min: 0 },
  { key: 'packing', label: 'Packing (PacGAN)', kind: 'number', step: '1', min: 1 },
  { key: 'hiddenUnits', label: 'Hidden units', kind: 'number', step: '1', min: 4 },
  { key: 'batchSize', label: 'Batch size', kind: 'number', step: '1', min: 8 },
];

function buildRunPanel(id: RunId): HTMLElement {
  const panel = document.createElement('section');
  panel.className = 'run';
  panel.id = `run-${id}`;
  panel.setAttribute('aria-labelledby', `${id}-title`);
  const fieldset = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = `Run ${id.toUpperCase()} settings`;
  fieldset.append(legend);
  for (const field of FIELDS) {
    const inputId = `${id}-${field.key}`;
    const label = document.createElement('label');
    label.htmlFor = inputId;
    label.textContent = field.label;
    let input: HTMLInputElement | HTMLSelectElement;
    if (field.kind === 'select') {
      input = document.createElement('select');
      for (const option of field.options) input.append(new Option(option, option));
    } else {
      input = document.createElement('input');
      input.type = field.kind === 'check' ? 'checkbox' : 'number';
      if (field.kind === 'number') {
        input.step = field.step;
        input.min = String(field.min);
      }
    }
    input.id = inputId;
    input.dataset.run = id;
    input.dataset.key = field.key;
    fieldset.append(label, input);
  }
  const view = document.createElement('div');
  view.className = 'view';
  view.innerHTML = `
    <h2 id="${id}-title">Run ${id.toUpperCase()}</h2>
    <canvas id="${id}-canvas" width="420" height="420" role="img" aria-label="Run ${id.toUpperCase()}: real and generated points over the discriminator heat map"></canvas>
    <dl class="stats">
      <dt>Step</dt><dd id="${id}-step">0</dd>
      <dt>Steps/s</dt><dd id="${id}-sps">-</dd>
      <dt>D loss</dt><dd id="${id}-dloss">-</dd>
      <dt>G loss</dt><dd id="${id}-gloss">-</dd>
      <dt>Modes covered</dt><dd id="${id}-modes">-</dd>
      <dt>High quality</dt><dd id="${id}-hq">-</dd>
    </dl>
    <canvas id="${id}-losses" width="420" height="110" role="img" aria-label="Run ${id.toUpperCase()}: discriminator and generator loss curves"></canvas>
    <button id="${id}-png" type="button">Download PNG</button>`;
  panel.append(fieldset, view);
  return panel;
}

function writeRunForm(id: RunId, run: RunSettings): void {
  for (const field of FIELDS) {
    const input = $<HTMLInputElement>(`${id}-${field.key}`);
    if (field.kind === 'check') input.checked = Boolean(run[field.key]);
    else input.value = String(run[field.key]);
  }
}

function readRunForm(id: RunId): RunSettings {
  const raw: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const input = $<HTMLInputElement>(`${id}-${field.key}`);
    raw[field.key] = field.kind === 'check' ? input.checked : field.kind === 'number' ? Number(input.value) : input.value;
  }
  return checkRunSettings(raw);
}

const runsElement = $('runs');
for (const id of RUN_IDS) runsElement.append(buildRunPanel(id));
writeRunForm('a', DEFAULT_RUN);
writeRunForm('b', DEFAULT_B);

const params = new URLSearchParams(location.search);
const backendSelect = $<HTMLSelectElement>('backend-select');
backendSelect.value = params.get('backend') ?? 'auto';
if (backendSelect.value === '') backendSelect.value = 'auto';
const mixtureSelect = $<HTMLSelectElement>('mixture');
mixtureSelect.value = params.get('mixture') ?? DEFAULT_LAB.mixture;
if (!(MIXTURE_NAMES as readonly string[]).includes(mixtureSelect.value)) mixtureSelect.value = DEFAULT_LAB.mixture;
const seedInput = $<HTMLInputElement>('seed');
seedInput.value = String(DEFAULT_LAB.seed);
const compare = $<HTMLInputElement>('compare');
compare.checked = params.get('compare') === '1';
const playButton = $<HTMLButtonElement>('play');
const errorElement = $('error');
const messageElement = $('message');

const state: { playing: boolean; frames: { a?: Frame; b?: Frame }; backend: string | null; probes: BackendProbe[] | null } = { playing: false, frames: {}, backend: null, probes: null };
/** For tests and the curious: the last frames and backend, as the page drew them. */
(window as unknown as { tfgenLab: typeof state }).tfgenLab = state;

function showError(text: string | null): void {
  errorElement.hidden = text === null;
  errorElement.textContent = text ?? '';
}

function say(text: string): void {
  messageElement.textContent = text;
}

function layers(): LayerToggles {
  return {
    heatmap: $<HTMLInputElement>('show-heatmap').checked,
    real: $<HTMLInputElement>('show-real').checked,
    fake: $<HTMLInputElement>('show-fake').checked,
    transport: $<HTMLInputElement>('show-transport').checked,
  };
}

/** Mode centres of the drawn mixture, in {@link DRAWN_WINDOW} coordinates. */
let drawnPoints: Array<[number, number]> = DEFAULT_DRAWN_POINTS.map(([x, y]) => [x, y]);

function labSettings(): LabSettings {
  const drawn = mixtureSelect.value === 'drawn';
  $('clear-points').hidden = !drawn;
  return checkLabSettings({ mixture: mixtureSelect.value, seed: Number(seedInput.value), ...(drawn ? { points: drawnPoints } : {}) });
}

const worker = new Worker(new URL('./lab-worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

function configure(): void {
  try {
    const message: ToWorker = { type: 'configure', lab: labSettings(), runs: { a: readRunForm('a'), b: compare.checked ? readRunForm('b') : null } };
    showError(null);
    $('run-b').hidden = !compare.checked;
    send(message);
    if (state.playing) send({ type: 'play' });
  } catch (error) {
    setPlaying(false);
    showError(`Settings: ${(error as Error).message}`);
  }
}

function setPlaying(playing: boolean): void {
  state.playing = playing;
  playButton.textContent = playing ? 'Pause' : 'Play';
  playButton.setAttribute('aria-pressed', String(playing));
}

function fmt(value: number | undefined, digits = 3): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function show(id: RunId, frame: Frame, stepsPerSecond: number | null): void {
  state.frames[id] = frame;
  drawFrame($<HTMLCanvasElement>(`${id}-canvas`), frame, layers());
  drawLosses($<HTMLCanvasElement>(`${id}-losses`), frame.history);
  $(`${id}-step`).textContent = String(frame.step);
  if (stepsPerSecond !== null) $(`${id}-sps`).textContent = stepsPerSecond.toFixed(1);
  $(`${id}-dloss`).textContent = fmt(frame.metrics['loss/discriminator']);
  $(`${id}-gloss`).textContent = fmt(frame.metrics['loss/generator']);
  $(`${id}-modes`).textContent = `${frame.coverage.modesCovered} / ${frame.coverage.modeCount}`;
  $(`${id}-hq`).textContent = `${(100 * frame.coverage.highQualityFraction).toFixed(1)}%`;
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'backend':
      state.backend = message.report.name;
      state.probes = message.probes;
      $('backend-status').textContent = message.probes ? `${message.report.name}: fastest in a timed probe` : `${message.report.name}: ${message.report.reason}`;
      $('backend-status').dataset.backend = message.report.name;
      $('backend-probes').textContent = message.probes ? `(probe step: ${describeProbes(message.probes)})` : '';
      return;
    case 'frame':
      show('a', message.frames.a, message.stepsPerSecond);
      if (message.frames.b) show('b', message.frames.b, message.stepsPerSecond);
      return;
    case 'saved':
      say(`Saved to this browser (IndexedDB) at step ${message.step}.`);
      return;
    case 'loaded':
      mixtureSelect.value = message.lab.mixture;
      if (message.lab.points) drawnPoints = message.lab.points.map(([x, y]) => [x, y]);
      $('clear-points').hidden = message.lab.mixture !== 'drawn';
      seedInput.value = String(message.lab.seed);
      writeRunForm('a', message.runs.a);
      compare.checked = message.runs.b !== null;
      if (message.runs.b) writeRunForm('b', message.runs.b);
      $('run-b').hidden = !compare.checked;
      say(message.key === 'file' ? 'Loaded the run file.' : 'Loaded from this browser (IndexedDB).');
      return;
    case 'exported':
      download(`tfgen-2d-lab-step-${message.lab.runs.a.step}.json`, new Blob([labToJson(message.lab)], { type: 'application/json' }));
      return;
    case 'error':
      if (message.context === 'training') setPlaying(false);
      showError(`${message.context}: ${message.message}`);
      return;
  }
};
worker.onerror = (event) => showError(`worker: ${event.message}`);

playButton.addEventListener('click', () => {
  setPlaying(!state.playing);
  send({ type: state.playing ? 'play' : 'pause' });
});
$('step').addEventListener('click', () => send({ type: 'step', steps: 1 }));
$('reset').addEventListener('click', () => configure());
for (const element of [mixtureSelect, seedInput, compare]) element.addEventListener('change', () => configure());
runsElement.addEventListener('change', (event) => {
  if ((event.target as HTMLElement).dataset.key) configure();
});
for (const id of ['show-heatmap', 'show-real', 'show-fake', 'show-transport']) {
  $(id).addEventListener('change', () => {
    for (const run of RUN_IDS) {
      const frame = state.frames[run];
      if (frame) drawFrame($<HTMLCanvasElement>(`${run}-canvas`), frame, layers());
    }
  });
}
backendSelect.addEventListener('change', () => {
  showError(null);
  send({ type: 'backend', backend: backendSelect.value as BackendChoice });
  gan.switchBackend(backendSelect.value as BackendChoice);
});
$('save').addEventListener('click', () => send({ type: 'save', key: STORE_KEY }));
$('load').addEventListener('click', () => {
  setPlaying(false);
  send({ type: 'pause' });
  send({ type: 'load', key: STORE_KEY });
});
$('download').addEventListener('click', () => send({ type: 'export' }));
$<HTMLInputElement>('upload').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  try {
    const lab = labFromJson(await file.text());
    setPlaying(false);
    send({ type: 'pause' });
    send({ type: 'import', lab });
  } catch (error) {
    showError((error as Error).message);
  }
});
$('clear-points').addEventListener('click', () => {
  drawnPoints = DEFAULT_DRAWN_POINTS.map(([x, y]) => [x, y]);
  configure();
});
for (const id of RUN_IDS) {
  // Drawing: a click on either canvas adds a mode of the drawn mixture there.
  $<HTMLCanvasElement>(`${id}-canvas`).addEventListener('click', (event) => {
    if (mixtureSelect.value !== 'drawn') return;
    if (drawnPoints.length >= MAX_DRAWN_POINTS) {
      say(`At most ${MAX_DRAWN_POINTS} points; "Reset points" starts over.`);
      return;
    }
    const canvas = event.currentTarget as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const [lo, hi] = DRAWN_WINDOW;
    const x = lo + ((event.clientX - box.left) / box.width) * (hi - lo);
    const y = hi - ((event.clientY - box.top) / box.height) * (hi - lo);
    drawnPoints = [...drawnPoints, [Math.min(hi, Math.max(lo, x)), Math.min(hi, Math.max(lo, y))]];
    say(`${drawnPoints.length} points.`);
    configure();
  });
}
for (const id of RUN_IDS) {
  $(`${id}-png`).addEventListener('click', () => {
    $<HTMLCanvasElement>(`${id}-canvas`).toBlob((blob) => blob && download(`tfgen-2d-run-${id}-step-${state.frames[id]?.step ?? 0}.png`, blob), 'image/png');
  });
}

const images = setUpImagesTab({ onError: showError, download });
(window as unknown as { tfgenImages: typeof images.state }).tfgenImages = images.state;
const gan = setUpGanTab({ onError: showError, download });
(window as unknown as { tfgenGan: typeof gan.state }).tfgenGan = gan.state;
const pixelCnn = setUpPixelCnnTab({ onError: showError, download });
(window as unknown as { tfgenPixelCnn: typeof pixelCnn.state }).tfgenPixelCnn = pixelCnn.state;
const tabs = [$<HTMLButtonElement>('tab-lab'), $<HTMLButtonElement>('tab-images'), $<HTMLButtonElement>('tab-gan'), $<HTMLButtonElement>('tab-pixelcnn')];
const starters: Record<string, (backend: BackendChoice) => void> = { 'tab-images': images.start, 'tab-gan': gan.start, 'tab-pixelcnn': pixelCnn.start };
/** The backend for a tab's worker: the one the lab's probe chose (no second probe), or the selected one. */
const workerBackend = (): BackendChoice => (backendSelect.value === 'auto' && state.backend ? (state.backend as BackendChoice) : (backendSelect.value as BackendChoice));
function selectTab(tab: HTMLButtonElement): void {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')!).hidden = !selected;
  }
  tab.focus();
  starters[tab.id]?.(workerBackend());
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = tabs[(tabs.indexOf(tab) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next);
  });
}

send({ type: 'init', backend: backendSelect.value as BackendChoice });
configure();
const startTab = tabs.find((tab) => tab.id === `tab-${params.get('tab')}`);
if (startTab) selectTab(startTab);
if (params.get('autoplay') === '1') playButton.click();
