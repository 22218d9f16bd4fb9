import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_ORDER, detectPlatform, initBackend } from './backend';
import { BackendError } from './errors';

describe('initBackend (Node)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('detects Node', () => {
    expect(detectPlatform()).toBe('node');
    expect(BACKEND_ORDER.node).toEqual(['tensorflow', 'wasm', 'webgpu', 'cpu']);
  });

  it('uses cpu when asked and verifies it with a probe', async () => {
    const report = await initBackend({ prefer: 'cpu' });
    expect(report).toEqual({ name: 'cpu', platform: 'node', reason: 'requested', tried: [{ name: 'cpu', ok: true }] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('loads wasm with the training kernels (the probe needs Conv2DBackpropFilter)', async () => {
    const report = await initBackend({ prefer: 'wasm' });
    expect(report.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('an unavailable explicit backend is a BackendError naming it and why, with no fallback', async () => {
    await tf.setBackend('cpu');
    const attempt = initBackend({ prefer: 'tensorflow' });
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    await expect(initBackend({ prefer: 'tensorflow' })).rejects.toThrow(/options\.prefer: .*got "tensorflow".*@tensorflow\/tfjs-node could not be imported/);
    expect(tf.getBackend()).toBe('cpu'); // nothing switched silently
    await expect(initBackend({ prefer: 'webgl' })).rejects.toThrow(/webgl: WebGL needs a browser/);
    // WebGPU in Node goes through the optional "webgpu" (Dawn) package, not installed here.
    await expect(initBackend({ prefer: 'webgpu' })).rejects.toThrow(/webgpu: the "webgpu" package \(Dawn for Node\) could not be imported/);
  });

  it('falls back only when allowed, and reports every attempt', async () => {
    const report = await initBackend({ prefer: 'tensorflow', allowFallback: true });
    expect(report.name).toBe('wasm');
    expect(report.tried[0]).toMatchObject({ name: 'tensorflow', ok: false });
    expect(report.tried[0]!.error).toMatch(/tfjs-node/);
    expect(report.tried[1]).toEqual({ name: 'wasm', ok: true });
    expect(report.reason).toMatch(/first working backend in the node order tensorflow > wasm > webgpu > cpu \(tensorflow unavailable\)/);
  });

  it('picks the fastest working backend by default (wasm here: no tfjs-node)', async () => {
    const report = await initBackend();
    expect(report.name).toBe('wasm');
    expect(report.tried.map((t) => t.name)).toEqual(['tensorflow', 'wasm']);
  });

  it('rejects unknown names and empty preferences', async () => {
    await expect(initBackend({ prefer: 'cuda' as never })).rejects.toThrow(/options\.prefer: expected backend names from/);
    await expect(initBackend({ prefer: [] })).rejects.toThrow(/at least one backend name/);
  });

  it('a custom loader that fails is reported with the package name', async () => {
    await expect(initBackend({ prefer: 'webgpu', loaders: { webgpu: () => Promise.reject(new Error('not here')) }, platform: 'browser' })).rejects.toThrow(
      /@tensorflow\/tfjs-backend-webgpu could not be imported \(not here\)/,
    );
  });
});
