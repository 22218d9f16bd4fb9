// Scripts only: '@tensorflow/tfjs-core/dist/register_all_gradients' is an ESM file with directory
// imports that plain Node cannot load; tfjs-layers' Node bundle registers the same gradients.
import '@tensorflow/tfjs-layers';
