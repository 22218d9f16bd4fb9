// Whole GEMMs through the fast kernels on one thread (CPU ms, GFLOP/s); run by ceiling.sh.
import * as tf from '@tensorflow/tfjs-core';
const lib = process.argv[2] === "exp" ? await import("./src/index") : await import("@tfgen/core"); // exp: the FMA copy made by ceiling.sh
await lib.initBackend({ prefer: 'wasm' });
lib.setWasmKernelThreads(1);
for (const [m, k, n] of [[1024, 1024, 1024], [3136, 1024, 128], [512, 512, 512]]) {
  const a = tf.randomNormal([m, k]) as tf.Tensor2D, b = tf.randomNormal([k, n]) as tf.Tensor2D;
  tf.dispose(tf.matMul(a, b));
  const reps = 5; const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) tf.dispose(tf.matMul(a, b));
  const c = process.cpuUsage(c0); const ms = (c.user + c.system) / 1000 / reps;
  console.log(process.argv[2], `${m}x${k}x${n}`, ms.toFixed(1), 'CPU ms', (2 * m * k * n / ms / 1e6).toFixed(1), 'GF/s');
}
