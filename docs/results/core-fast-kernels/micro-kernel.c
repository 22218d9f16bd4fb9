// The fast kernels' 4x8 micro-kernel loop (packages/core/native/kernels.c, MR=4, NR=8) alone: C (4x8) = A panel
// (kc x 4) * B panel (kc x 8), mul + add per lane. ceiling.sh times it with its operands in L1.
#include <wasm_simd128.h>
__attribute__((export_name("k"))) void k(int kc, const float *a_, const float *b_, float *c) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(b_), b1 = wasm_v128_load(b_ + 4);
    v128_t a;
    a = wasm_v128_load32_splat(a_ + 0); c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a_ + 1); c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a_ + 2); c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a_ + 3); c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
    a_ += 4; b_ += 8;
  }
  wasm_v128_store(c, c00); wasm_v128_store(c+4, c01); wasm_v128_store(c+8, c10); wasm_v128_store(c+12, c11);
  wasm_v128_store(c+16, c20); wasm_v128_store(c+20, c21); wasm_v128_store(c+24, c30); wasm_v128_store(c+28, c31);
}
