// Node entry: everything universal plus loaders that read files (fs, pngjs/zlib).
export * from './index';
export { loadMnist, mnistFromIdx, readBytes, type MnistOptions } from './mnist';
export { loadFashionMnist, fashionMnistClassNames } from './fashion-mnist';
export * from './image-folder';
