// Node-only helpers (file system): checkpoint files, PNG files.
export {};
