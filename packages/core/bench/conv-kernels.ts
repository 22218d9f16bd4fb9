/**
 * Times conv gradient kernels at the DCGAN discriminator's sizes on one backend: forward conv2d,
 * the lowered filter and input gradients (what @tfgen/core registers) and the backend's stock
 * kernels, so each gradient's cost can be read relative to a forward conv.
 *
 * Run (needs the built package): cd packages/core && npx tsup &&
 *   npx tsx bench/conv-kernels.ts --backend wasm [--batch 64] [--repeats 3]
 *   npx tsx bench/conv-kernels.ts --backend cpu --batch 16 --repeats 1   (stock cpu filter gradient: minutes)
 */
import * as tf from '@tensorflow/tfjs-core';

function parseArgs(argv: string[]): { backend: 'wasm' | 'cpu'; batch: number; repeats: number } {
  const options = { backend: 'wasm' as 'wasm' | 'cpu', batch: 64, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--backend' && (value === 'wasm' || value === 'cpu')) options.backend = value;
    else if (flag === '--batch' && Number(value) >= 1) options.batch = Number(value);
    else if (flag === '--repeats' && Number(value) >= 1) options.repeats = Number(value);
    else throw new Error(`bad flag ${flag} ${value}; see the header of bench/conv-kernels.ts`);
  }
  return options;
}

function time(repeats: number, run: () => tf.Tensor): number {
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
  const { backend, batch, repeats } = parseArgs(process.argv.slice(2));
  // Load the backend package first and keep its stock kernels before @tfgen/core replaces them.
  await import(backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs-backend-cpu');
  const stockInput = tf.getKernel('Conv2DBackpropInput', backend);
  const stockFilter = tf.getKernel('Conv2DBackpropFilter', backend);
  const core = await import('@tfgen/core');
  await core.initBackend({ prefer: backend });
  // The stock kernels' setup did not run if @tfgen/core replaced them before the backend started.
  for (const config of [stockInput, stockFilter]) config?.setupFunc?.(tf.engine().backend);
  const runStock = (config: tf.KernelConfig, inputs: tf.NamedTensorInfoMap, attrs: Record<string, unknown>) => () => {
    return tf.engine().makeTensorFromTensorInfo(
      config.kernelFunc({ inputs, backend: tf.engine().backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo,
    );
  };
  const rows: string[] = [];
  const shapes: [number[], number[], number[]][] = [
    [[batch, 28, 28, 1], [4, 4, 1, 64], [batch, 14, 14, 64]],
    [[batch, 14, 14, 64], [4, 4, 64, 128], [batch, 7, 7, 128]],
  ];
  for (const [xShape, filterShape, dyShape] of shapes) {
    const x = tf.randomNormal(xShape) as tf.Tensor4D;
    const filter = tf.randomNormal(filterShape) as tf.Tensor4D;
    const dy = tf.randomNormal(dyShape) as tf.Tensor4D;
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
    const forward = time(repeats, () => tf.conv2d(x, filter, 2, 'same'));
    const ms = (v: number | undefined) => (v === undefined ? 'missing' : `${v.toFixed(1)} ms (${(v / forward).toFixed(2)}x)`);
    const loweredFilter = time(repeats, () => core.conv2dBackpropFilterViaConv(x, dy, filterShape, 2, 'same'));
    const loweredInput = time(repeats, () => core.conv2dBackpropInputViaConv(dy, filter, xShape, 2, 'same'));
    const stockFilterTime = stockFilter && time(repeats, runStock(stockFilter, { x, dy }, { ...attrs, filterShape }));
    const stockInputTime = stockInput && time(repeats, runStock(stockInput, { dy, filter }, { ...attrs, inputShape: xShape }));
    rows.push(
      `| x [${xShape}] filter [${filterShape}] | ${forward.toFixed(1)} ms | ${ms(loweredFilter)} | ${ms(stockFilterTime)} | ${ms(loweredInput)} | ${ms(stockInputTime)} |`,
    );
    tf.dispose([x, filter, dy]);
  }
  console.log(
    [
      `${backend} conv kernels, stride 2 'same', mean of ${repeats} runs after a warm-up, tfjs ${tf.version_core}, Node ${process.version}`,
      '',
      '| shapes | conv2d forward | filter gradient, lowered | filter gradient, stock | input gradient, lowered | input gradient, stock |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
