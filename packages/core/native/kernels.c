// tfgen fast wasm kernels: a packed, register-blocked SIMD128 GEMM and the im2col / col2im
// steps that turn NHWC convolutions and their gradients into GEMMs.
//
// Freestanding (no libc), built by build.mjs for wasm32 with SIMD128 and atomics, on a shared
// imported memory. All work is a "job": a block of int32 words in memory (see JOB_* below) that
// JS fills in; any number of threads call run_tasks(job, generation, thread) and claim task
// indices with an atomic compare-and-swap on job[CLAIM], which also carries the job's generation
// so that a thread waking late for an old job claims nothing of a new one.
//
// Nothing here uses the shadow stack (no arrays or address-taken locals), so every thread can
// share one instance layout without per-thread stacks; per-thread scratch memory comes from the job.

#include <wasm_simd128.h>

#ifndef MR
#define MR 4
#endif
#define NR 8
#define KC 256

// Job header words.
#define CLAIM 0   // (generation << 20) | next task index
#define COUNT 1   // number of tasks
#define DONE 2    // tasks finished
#define KIND 3    // which job
#define SCRATCH 4 // byte offset of thread 0's scratch
#define SCRATCH_BYTES 5
#define PARAMS 8

#define KIND_PACK_B 1
#define KIND_GEMM 2
#define KIND_IM2COL 3
#define KIND_COL2IM 4

#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_RELU6 2
#define ACT_LEAKY_RELU 3

static inline int min_int(int a, int b) { return a < b ? a : b; }

static inline float activate(float v, int act, float alpha) {
  if (act == ACT_RELU) return v < 0.0f ? 0.0f : v;
  if (act == ACT_RELU6) return v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v);
  if (act == ACT_LEAKY_RELU) return v < 0.0f ? alpha * v : v;
  return v;
}

static inline v128_t activate4(v128_t v, int act, v128_t alpha) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  if (act == ACT_RELU) return wasm_v128_bitselect(zero, v, wasm_f32x4_lt(v, zero));
  if (act == ACT_RELU6) {
    v128_t six = wasm_f32x4_splat(6.0f);
    v = wasm_v128_bitselect(zero, v, wasm_f32x4_lt(v, zero));
    return wasm_v128_bitselect(six, v, wasm_f32x4_gt(v, six));
  }
  if (act == ACT_LEAKY_RELU) return wasm_v128_bitselect(wasm_f32x4_mul(v, alpha), v, wasm_f32x4_lt(v, zero));
  return v;
}

// ---- B packing: panel p holds columns [p*NR, p*NR+NR) for all K rows, row-major [K][NR],
// zero-padded past N. B(k, j) = B[k*rsB + j*csB].
static void pack_b_task(const int *params, int panel) {
  const float *B = (const float *)params[0];
  int rsB = params[1], csB = params[2], K = params[3], N = params[4];
  float *Bp = (float *)params[5];
  int j0 = panel * NR;
  int nr = min_int(NR, N - j0);
  float *dst = Bp + (long)panel * K * NR;
  if (csB == 1 && nr == NR) {
    const float *src = B + j0;
    for (int k = 0; k < K; k++) {
      wasm_v128_store(dst, wasm_v128_load(src));
      wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
      src += rsB;
      dst += NR;
    }
    return;
  }
  for (int c = 0; c < NR; c++) {
    if (c < nr) {
      const float *src = B + (long)(j0 + c) * csB;
      for (int k = 0; k < K; k++) dst[k * NR + c] = src[(long)k * rsB];
    } else {
      for (int k = 0; k < K; k++) dst[k * NR + c] = 0.0f;
    }
  }
}

// ---- A packing: rows [i0, i1) and depth [k0, k0+kc) into MR-row panels [kc][MR], zero-padded.
static void pack_a(const float *A, int rsA, int csA, int i0, int i1, int k0, int kc, float *Ap) {
  for (int p = i0; p < i1; p += MR) {
    int mr = min_int(MR, i1 - p);
    float *dst = Ap + (long)((p - i0) / MR) * kc * MR;
    if (csA == 1) {
      for (int r = 0; r < MR; r++) {
        if (r < mr) {
          const float *src = A + (long)(p + r) * rsA + k0;
          for (int k = 0; k < kc; k++) dst[k * MR + r] = src[k];
        } else {
          for (int k = 0; k < kc; k++) dst[k * MR + r] = 0.0f;
        }
      }
    } else if (rsA == 1 && mr == MR) {
      const float *src = A + p + (long)k0 * csA;
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) dst[k * MR + r] = src[r];
        src += csA;
      }
    } else {
      for (int k = 0; k < kc; k++) {
        for (int r = 0; r < MR; r++) dst[k * MR + r] = r < mr ? A[(long)(p + r) * rsA + (long)(k0 + k) * csA] : 0.0f;
      }
    }
  }
}

#define ROW_ACC(r) v128_t c##r##0 = wasm_f32x4_splat(0.0f), c##r##1 = wasm_f32x4_splat(0.0f);
#define ROW_FMA(r)                              \
  {                                             \
    v128_t a = wasm_v128_load32_splat(a_ + r);  \
    c##r##0 = wasm_f32x4_add(c##r##0, wasm_f32x4_mul(a, b0)); \
    c##r##1 = wasm_f32x4_add(c##r##1, wasm_f32x4_mul(a, b1)); \
  }
#define ROW_STORE(r)                                                        \
  {                                                                         \
    float *cr = c + (long)r * ldc;                                          \
    v128_t v0 = c##r##0, v1 = c##r##1;                                      \
    if (load_c) {                                                           \
      v0 = wasm_f32x4_add(v0, wasm_v128_load(cr));                          \
      v1 = wasm_f32x4_add(v1, wasm_v128_load(cr + 4));                      \
    }                                                                       \
    if (last) {                                                             \
      v0 = activate4(wasm_f32x4_add(v0, bias0), act, alpha4);               \
      v1 = activate4(wasm_f32x4_add(v1, bias1), act, alpha4);               \
    }                                                                       \
    wasm_v128_store(cr, v0);                                                \
    wasm_v128_store(cr + 4, v1);                                            \
  }
#define ROW_SPILL(r)                     \
  wasm_v128_store(tmp + r * NR, c##r##0); \
  wasm_v128_store(tmp + r * NR + 4, c##r##1);

// C[0:mr, 0:nr] (+)= Ap (kc x MR) * Bp (kc x NR); on the last depth block add bias, activate.
static void micro_kernel(int kc, const float *a_, const float *b_, float *c, int ldc, int mr, int nr, int load_c, int last,
                         const float *bias, int act, float alpha, float *tmp) {
  ROW_ACC(0) ROW_ACC(1) ROW_ACC(2) ROW_ACC(3)
#if MR > 4
  ROW_ACC(4)
#endif
#if MR > 5
  ROW_ACC(5)
#endif
  for (int k = 0; k < kc; k++) {
    v128_t b0 = wasm_v128_load(b_);
    v128_t b1 = wasm_v128_load(b_ + 4);
    ROW_FMA(0) ROW_FMA(1) ROW_FMA(2) ROW_FMA(3)
#if MR > 4
    ROW_FMA(4)
#endif
#if MR > 5
    ROW_FMA(5)
#endif
    a_ += MR;
    b_ += NR;
  }
  if (mr == MR && nr == NR) {
    v128_t bias0 = wasm_f32x4_splat(0.0f), bias1 = bias0, alpha4 = wasm_f32x4_splat(alpha);
    if (last && bias) {
      bias0 = wasm_v128_load(bias);
      bias1 = wasm_v128_load(bias + 4);
    }
    ROW_STORE(0) ROW_STORE(1) ROW_STORE(2) ROW_STORE(3)
#if MR > 4
    ROW_STORE(4)
#endif
#if MR > 5
    ROW_STORE(5)
#endif
    return;
  }
  ROW_SPILL(0) ROW_SPILL(1) ROW_SPILL(2) ROW_SPILL(3)
#if MR > 4
  ROW_SPILL(4)
#endif
#if MR > 5
  ROW_SPILL(5)
#endif
  for (int r = 0; r < mr; r++) {
    float *cr = c + (long)r * ldc;
    for (int j = 0; j < nr; j++) {
      float v = tmp[r * NR + j];
      if (load_c) v += cr[j];
      if (last) v = activate(bias ? v + bias[j] : v, act, alpha);
      cr[j] = v;
    }
  }
}

// C (M x N, row stride ldc) = A (M x K, strides rsA/csA) * B (packed) [+ C when accumulate]
// [+ bias[N]] then activation. Task t covers one (MB rows) x (NB columns) tile.
static void gemm_task(const int *params, int t, float *scratch) {
  int M = params[0], N = params[1], K = params[2];
  const float *A = (const float *)params[3];
  int rsA = params[4], csA = params[5];
  const float *Bp = (const float *)params[6];
  float *C = (float *)params[7];
  int ldc = params[8];
  const float *bias = (const float *)params[9];
  int act = params[10];
  float alpha = ((const float *)params)[11];
  int MB = params[12], NB = params[13], accumulate = params[14];
  int tilesN = (N + NB - 1) / NB;
  int i0 = (t / tilesN) * MB, j0 = (t % tilesN) * NB;
  int i1 = min_int(M, i0 + MB), j1 = min_int(N, j0 + NB);
  float *tmp = scratch;
  float *Ap = scratch + MR * NR;
  if (K == 0) {
    for (int i = i0; i < i1; i++) {
      for (int j = j0; j < j1; j++) {
        float v = accumulate ? C[(long)i * ldc + j] : 0.0f;
        C[(long)i * ldc + j] = activate(bias ? v + bias[j] : v, act, alpha);
      }
    }
    return;
  }
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = min_int(KC, K - k0);
    int last = k0 + kc >= K;
    int load_c = k0 > 0 || accumulate;
    pack_a(A, rsA, csA, i0, i1, k0, kc, Ap);
    for (int j = j0; j < j1; j += NR) {
      const float *bpanel = Bp + (long)(j / NR) * K * NR + (long)k0 * NR;
      int nr = min_int(NR, j1 - j);
      for (int i = i0; i < i1; i += MR) {
        micro_kernel(kc, Ap + (long)((i - i0) / MR) * kc * MR, bpanel, C + (long)i * ldc + j, ldc, min_int(MR, i1 - i), nr, load_c,
                     last, bias ? bias + j : 0, act, alpha, tmp);
      }
    }
  }
}

// ---- im2col for NHWC: row (b, oy, ox) of cols holds the (ky, kx, c) window, zeros outside.
// Task t = one output row (b, oy).
static void im2col_task(const int *params, int t) {
  const float *x = (const float *)params[0];
  float *cols = (float *)params[1];
  int H = params[3], W = params[4], C = params[5], OH = params[6], OW = params[7];
  int KH = params[8], KW = params[9], sh = params[10], sw = params[11], dh = params[12], dw = params[13];
  int pt = params[14], pl = params[15];
  int b = t / OH, oy = t % OH;
  long KK = (long)KH * KW * C;
  float *dst = cols + ((long)b * OH + oy) * OW * KK;
  for (int ox = 0; ox < OW; ox++) {
    int ix0 = ox * sw - pl;
    for (int ky = 0; ky < KH; ky++) {
      int iy = oy * sh + ky * dh - pt;
      if (dw == 1 && iy >= 0 && iy < H && ix0 >= 0 && ix0 + KW <= W) {
        // The whole filter row is one contiguous run of KW * C values.
        const float *src = x + (((long)b * H + iy) * W + ix0) * C;
        int n = KW * C, c = 0;
        for (; c + 4 <= n; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
        for (; c < n; c++) dst[c] = src[c];
        dst += n;
        continue;
      }
      for (int kx = 0; kx < KW; kx++) {
        int ix = ox * sw + kx * dw - pl;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
          for (int c = 0; c < C; c++) dst[c] = 0.0f;
        } else {
          const float *src = x + (((long)b * H + iy) * W + ix) * C;
          int c = 0;
          for (; c + 4 <= C; c += 4) wasm_v128_store(dst + c, wasm_v128_load(src + c));
          for (; c < C; c++) dst[c] = src[c];
        }
        dst += C;
      }
    }
  }
}

// ---- col2im for NHWC as a gather (no write conflicts between tasks): dx(b, iy, ix, c) sums every
// cols entry whose window covers it. Task t = one input row (b, iy).
static void col2im_task(const int *params, int t) {
  const float *cols = (const float *)params[0];
  float *dx = (float *)params[1];
  int H = params[3], W = params[4], C = params[5], OH = params[6], OW = params[7];
  int KH = params[8], KW = params[9], sh = params[10], sw = params[11], dh = params[12], dw = params[13];
  int pt = params[14], pl = params[15];
  int b = t / H, iy = t % H;
  long KK = (long)KH * KW * C;
  for (int ix = 0; ix < W; ix++) {
    float *dst = dx + (((long)b * H + iy) * W + ix) * C;
    for (int c = 0; c < C; c++) dst[c] = 0.0f;
    for (int ky = 0; ky < KH; ky++) {
      int ty = iy + pt - ky * dh;
      if (ty < 0 || ty % sh != 0) continue;
      int oy = ty / sh;
      if (oy >= OH) continue;
      for (int kx = 0; kx < KW; kx++) {
        int tx = ix + pl - kx * dw;
        if (tx < 0 || tx % sw != 0) continue;
        int ox = tx / sw;
        if (ox >= OW) continue;
        const float *src = cols + (((long)b * OH + oy) * OW + ox) * KK + ((long)ky * KW + kx) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_v128_load(src + c)));
        for (; c < C; c++) dst[c] += src[c];
      }
    }
  }
}

static int claim(int *job, int generation) {
  for (;;) {
    int v = __atomic_load_n(&job[CLAIM], __ATOMIC_SEQ_CST);
    if (((unsigned)v >> 20) != (unsigned)generation) return -1;
    int index = v & 0xFFFFF;
    if (index >= __atomic_load_n(&job[COUNT], __ATOMIC_SEQ_CST)) return -1;
    if (__atomic_compare_exchange_n(&job[CLAIM], &v, v + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return index;
  }
}

// Claims and runs tasks of the job until none are left; returns how many this thread ran.
__attribute__((export_name("run_tasks"))) int run_tasks(int *job, int generation, int thread) {
  int ran = 0;
  for (;;) {
    int t = claim(job, generation);
    if (t < 0) return ran;
    const int *params = job + PARAMS;
    float *scratch = (float *)((char *)job[SCRATCH] + (long)thread * job[SCRATCH_BYTES]);
    switch (job[KIND]) {
      case KIND_PACK_B: pack_b_task(params, t); break;
      case KIND_GEMM: gemm_task(params, t, scratch); break;
      case KIND_IM2COL: im2col_task(params, t); break;
      case KIND_COL2IM: col2im_task(params, t); break;
      default: break;
    }
    // The last task wakes a main thread that sleeps in Atomics.wait on job[DONE] (Node only).
    if (__atomic_fetch_add(&job[DONE], 1, __ATOMIC_SEQ_CST) + 1 == job[COUNT]) __builtin_wasm_memory_atomic_notify(&job[DONE], 1);
    ran++;
  }
}

// Constants JS reads so that both sides agree on the blocking.
__attribute__((export_name("block_mr"))) int block_mr(void) { return MR; }
__attribute__((export_name("block_nr"))) int block_nr(void) { return NR; }
__attribute__((export_name("block_kc"))) int block_kc(void) { return KC; }
