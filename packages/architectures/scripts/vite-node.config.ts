// Lets `npx vite-node --config scripts/vite-node.config.ts scripts/X.ts` run experiment scripts with the
// tests' resolution (@tfgen/* from sources, tfjs deep imports handled by Vite).
import shared from '../../../vitest.shared';

export default { resolve: shared.resolve };
