// Browser entry: everything universal plus loaders that use fetch and canvas. No Node built-ins.
export * from './index';
export * from './image-urls';
