import { classifierFromSerialized, type Classifier } from './classifier';
import { fashionMnistClassifierWeights } from './weights/fashion-mnist-classifier';
import { mnistClassifierWeights } from './weights/mnist-classifier';

/**
 * The shipped MNIST feature extractor (a small CNN; its test accuracy is in `testAccuracy`).
 * Loads from weights bundled in the package: no file system, no network, Node and browsers alike.
 * Input: `[n, 28, 28, 1]` (or `[n, 784]`) in [-1, 1]. Dispose it when done.
 *
 * @example
 * const mnist = loadMnistClassifier();
 * const features = mnist.features(images); // [n, 64] for frechetDistance / kernelDistance / precisionRecall
 */
export function loadMnistClassifier(): Classifier {
  return classifierFromSerialized(mnistClassifierWeights);
}

/** The shipped Fashion-MNIST feature extractor; same interface as {@link loadMnistClassifier}. */
export function loadFashionMnistClassifier(): Classifier {
  return classifierFromSerialized(fashionMnistClassifierWeights);
}
