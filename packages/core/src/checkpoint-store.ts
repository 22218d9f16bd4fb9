/**
 * Where the Trainer keeps checkpoints. The universal entry has {@link MemoryCheckpointStore};
 * the node entry adds `FileCheckpointStore` (atomic file writes). A browser app can
 * implement this over IndexedDB in a few lines.
 */
export interface CheckpointStore {
  /** Human-readable location used in messages and errors, e.g. a file path. */
  readonly location: string;
  /** Stores `bytes` (a whole encoded checkpoint taken after `step` completed steps), replacing the last one. */
  save(bytes: Uint8Array, step: number): void | Promise<void>;
  /** The latest stored checkpoint, or null when there is none yet. */
  load(): Uint8Array | null | Promise<Uint8Array | null>;
}

/** Keeps the latest checkpoint in memory: for tests, rollbacks and browser sessions. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly location: string;
  private bytes: Uint8Array | null = null;
  /** Steps at which `save` was called, oldest first. */
  readonly savedSteps: number[] = [];

  constructor(location = 'memory') {
    this.location = location;
  }

  save(bytes: Uint8Array, step: number): void {
    this.bytes = bytes.slice();
    this.savedSteps.push(step);
  }

  load(): Uint8Array | null {
    return this.bytes ? this.bytes.slice() : null;
  }
}
