// Node-only helpers (file system): checkpoint files, PNG files.
export {};
export * from './checkpoint-file';
export * from './jsonl-file-log';
export * from './png';
export * from './sample-image-files';
export * from './stop-on-signal';
