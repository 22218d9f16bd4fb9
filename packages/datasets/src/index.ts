// Universal entry: runs in Node and browsers (no Node built-ins).
export * from './idx';
export * from './seed';
export * from './image-dataset';
export * from './stacked-mnist';
export * from './mixtures';
export * from './mu-law';
export * from './audio-toys';
export * from './audio-windows';
export * from './image-resize';
export * from './image-data';
export * from './fashion-mnist-json';
