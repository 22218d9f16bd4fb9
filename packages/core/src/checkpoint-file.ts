import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents } from './checkpoint';
import type { CheckpointStore } from './checkpoint-store';
import { ArgumentError, CheckpointError } from './errors';

/**
 * Test hook: when this environment variable holds a number of milliseconds, every atomic
 * write pauses that long between writing (and fsyncing) its temp file and renaming it into
 * place, after printing a line to stderr. Kill-and-resume tests SIGKILL the process there.
 */
export const CHECKPOINT_RENAME_DELAY_ENV = 'TFGEN_CHECKPOINT_RENAME_DELAY_MS';
/** Test hook companion: how many atomic writes of this process to let through before pausing (default 0). */
export const CHECKPOINT_RENAME_DELAY_SKIP_ENV = 'TFGEN_CHECKPOINT_RENAME_DELAY_SKIP';

let tempCounter = 0;
let atomicWrites = 0;

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Keep the replaced file as `<path>.prev` (a hard link, so there is no moment without `<path>`). Default true. */
  readonly keepPrevious?: boolean;
}

/**
 * Writes `bytes` to `filePath` so that a crash at any moment leaves either the old file or
 * the new one, never a mix: write a temp file in the same directory, fsync it, (optionally
 * keep the old file as `.prev`), rename over the target, fsync the directory.
 */
export function writeFileAtomic(filePath: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): void {
  if (typeof filePath !== 'string' || filePath === '') throw new ArgumentError('filePath', 'a file path', filePath);
  const directory = path.dirname(path.resolve(filePath));
  fs.mkdirSync(directory, { recursive: true });
  const temp = path.join(directory, `.${path.basename(filePath)}.tmp-${process.pid}-${tempCounter++}`);
  const fd = fs.openSync(temp, 'w');
  try {
    let written = 0;
    while (written < bytes.byteLength) written += fs.writeSync(fd, bytes, written, bytes.byteLength - written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const delay = Number(process.env[CHECKPOINT_RENAME_DELAY_ENV] ?? 0);
  const skip = Number(process.env[CHECKPOINT_RENAME_DELAY_SKIP_ENV] ?? 0);
  if (delay > 0 && atomicWrites++ >= skip) {
    fs.writeSync(2, `tfgen: wrote ${temp}; pausing ${delay} ms before renaming it to ${filePath} (${CHECKPOINT_RENAME_DELAY_ENV})\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  }
  if ((options.keepPrevious ?? true) && fs.existsSync(filePath)) {
    const previous = `${filePath}.prev`;
    fs.rmSync(previous, { force: true });
    try {
      fs.linkSync(filePath, previous);
    } catch {
      fs.copyFileSync(filePath, previous);
    }
  }
  fs.renameSync(temp, filePath);
  try {
    const dirFd = fs.openSync(directory, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // Directories cannot be fsynced on some platforms (Windows); the rename is still atomic.
  }
}

/** Encodes (if needed) and atomically writes a checkpoint file. */
export function writeCheckpointFile(filePath: string, checkpoint: CheckpointContents | Uint8Array, options: AtomicWriteOptions = {}): void {
  writeFileAtomic(filePath, checkpoint instanceof Uint8Array ? checkpoint : encodeCheckpoint(checkpoint), options);
}

/** Reads and validates a checkpoint file; every problem is a CheckpointError naming the file. */
export function readCheckpointFile(filePath: string): CheckpointContents {
  return decodeCheckpoint(readCheckpointBytes(filePath), filePath);
}

function readCheckpointBytes(filePath: string): Uint8Array {
  try {
    const buffer = fs.readFileSync(filePath);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(filePath, 'a readable checkpoint file', code === 'ENOENT' ? 'no such file' : code ?? String(error));
  }
}

/**
 * A {@link CheckpointStore} over one file, written atomically (the previous checkpoint is
 * kept as `<file>.prev`). Leftover temp files from a killed write are removed on the next save.
 *
 * @example
 * const store = new FileCheckpointStore('runs/dcgan/checkpoint.tfgen');
 * await trainer.fit(data, { steps: 10_000, checkpoint: { store, every: 500 }, resumeFrom: store });
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly location: string;

  constructor(
    filePath: string,
    private readonly options: AtomicWriteOptions = {},
  ) {
    if (typeof filePath !== 'string' || filePath === '') throw new ArgumentError('filePath', 'a file path', filePath);
    this.location = filePath;
  }

  save(bytes: Uint8Array): void {
    this.removeStaleTemps();
    writeFileAtomic(this.location, bytes, this.options);
  }

  load(): Uint8Array | null {
    if (!fs.existsSync(this.location)) return null;
    return readCheckpointBytes(this.location);
  }

  private removeStaleTemps(): void {
    const directory = path.dirname(path.resolve(this.location));
    const prefix = `.${path.basename(this.location)}.tmp-`;
    if (!fs.existsSync(directory)) return;
    for (const name of fs.readdirSync(directory)) {
      if (name.startsWith(prefix)) fs.rmSync(path.join(directory, name), { force: true });
    }
  }
}
