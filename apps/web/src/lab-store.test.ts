import { CheckpointError } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { labFromJson, savedFromJson, savedToJson } from './lab-store';

type Saved = { format: 'tfgen-test'; version: 1; weights: Float32Array; ids: Int32Array; bytes: Uint8Array; nested: { w: Float32Array }[] };
const EXPECTED = { file: 'test file', format: 'tfgen-test', version: 1, writtenBy: 'Download test' } as const;

describe('savedToJson / savedFromJson (model files)', () => {
  it('round-trips typed arrays bit for bit, keeping their types', () => {
    // float32 values that are not short decimals: 0.1f, the smallest subnormal, the largest finite, -0.
    const weights = new Float32Array([0.1, 1.401298464324817e-45, 3.4028234663852886e38, -0, -2.5, Math.PI]);
    const saved: Saved = { format: 'tfgen-test', version: 1, weights, ids: new Int32Array([-3, 2147483647]), bytes: new Uint8Array([0, 255]), nested: [{ w: new Float32Array([1e-7]) }] };
    const back = savedFromJson<Saved>(savedToJson(saved), EXPECTED);
    expect(back.weights).toBeInstanceOf(Float32Array);
    expect(back.ids).toBeInstanceOf(Int32Array);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(new Uint32Array(back.weights.buffer)).toEqual(new Uint32Array(weights.buffer)); // same bits, -0 included
    expect(Array.from(back.ids)).toEqual([-3, 2147483647]);
    expect(Array.from(back.bytes)).toEqual([0, 255]);
    expect(back.nested[0].w).toEqual(new Float32Array([1e-7]));
    // A view into a bigger buffer writes only its own elements.
    const view = new Float32Array([9, 1, 2, 9]).subarray(1, 3);
    expect(Array.from(savedFromJson<Saved>(savedToJson({ format: 'tfgen-test', version: 1, weights: view }), EXPECTED).weights)).toEqual([1, 2]);
  });

  it('reads the number lists of earlier 2D lab files', () => {
    const back = savedFromJson<Saved>('{"format":"tfgen-test","version":1,"weights":{"$typed":"Float32Array","values":[0.5,-1]}}', EXPECTED);
    expect(back.weights).toEqual(new Float32Array([0.5, -1]));
  });

  it('rejects unreadable text, another format or version, naming the file and the expected format', () => {
    expect(() => savedFromJson('{"format": "tfgen-te', EXPECTED)).toThrow(CheckpointError);
    expect(() => savedFromJson('{"format": "tfgen-te', EXPECTED)).toThrow(/test file: expected JSON written by "Download test"/);
    expect(() => savedFromJson('{"format":"tfgen-web-2d-lab","version":1}', EXPECTED)).toThrow(/test file: expected a tfgen-test file, version 1, got .*tfgen-web-2d-lab v1/);
    expect(() => savedFromJson('{"format":"tfgen-test","version":2}', EXPECTED)).toThrow(/version 1, got .*v2/);
    expect(() => savedFromJson('{"w":{"$typed":"Float64Array","values":[1]}}', EXPECTED)).toThrow(/bad typed array "Float64Array"/);
    expect(() => savedFromJson('{"w":{"$typed":"Int32Array","base64":"AAA="}}', EXPECTED)).toThrow(/Int32Array: 2 bytes, not a multiple of 4/);
    expect(() => savedFromJson('null', EXPECTED)).toThrow(CheckpointError);
    expect(() => labFromJson('{"format":"tfgen-web-2d-lab","version":1}')).toThrow(/lab file.*run A/);
  });
});
