/**
 * Times the wasm conv kernels at the DCGAN discriminator's sizes: forward conv2d, the lowered
 * filter and input gradients (what registerWasmTrainingKernels installs) and tfjs' stock wasm
 * Conv2DBackpropInput, so the cost of each gradient can be read relative to a forward conv.
 *
 * Run (needs the built package): cd packages/core && npx tsup && npx tsx bench/conv-kernels.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv, initBackend } from '@tfgen/core';

const repeats = 5;

function time(run: () => tf.Tensor): number {
  run().dispose(); // warm-up
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    const result = run();
    result.dataSync();
    result.dispose();
  }
  return (performance.now() - start) / repeats;
}

async function main(): Promise<void> {
  // Capture the stock kernel before initBackend replaces it.
  await import('@tensorflow/tfjs-backend-wasm');
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
  await initBackend({ prefer: 'wasm' });
  stock.setupFunc?.(tf.engine().registry['wasm']!);
  const rows: string[] = [];
  const shapes: [number[], number[], number[]][] = [
    [[64, 28, 28, 1], [4, 4, 1, 64], [64, 14, 14, 64]],
    [[64, 14, 14, 64], [4, 4, 64, 128], [64, 7, 7, 128]],
  ];
  for (const [xShape, filterShape, dyShape] of shapes) {
    const x = tf.randomNormal(xShape) as tf.Tensor4D;
    const filter = tf.randomNormal(filterShape) as tf.Tensor4D;
    const dy = tf.randomNormal(dyShape) as tf.Tensor4D;
    const forward = time(() => tf.conv2d(x, filter, 2, 'same'));
    const filterGradient = time(() => conv2dBackpropFilterViaConv(x, dy, filterShape, 2, 'same'));
    const inputGradient = time(() => conv2dBackpropInputViaConv(dy, filter, xShape, 2, 'same'));
    const stockInput = time(() =>
      tf.engine().makeTensorFromTensorInfo(
        stock.kernelFunc({
          inputs: { dy, filter },
          backend: tf.engine().backend,
          attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: xShape } as unknown as tf.NamedAttrMap,
        }) as tf.TensorInfo,
      ),
    );
    const ms = (v: number) => `${v.toFixed(1)} ms (${(v / forward).toFixed(2)}x)`;
    rows.push(`| x [${xShape}] filter [${filterShape}] | ${forward.toFixed(1)} ms | ${ms(filterGradient)} | ${ms(inputGradient)} | ${ms(stockInput)} |`);
    tf.dispose([x, filter, dy]);
  }
  console.log(
    [
      `wasm conv kernels, stride 2 'same', mean of ${repeats} runs, tfjs ${tf.version_core}, Node ${process.version}`,
      '',
      '| shapes | conv2d forward | filter gradient (lowered) | input gradient (lowered) | input gradient (stock wasm) |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
