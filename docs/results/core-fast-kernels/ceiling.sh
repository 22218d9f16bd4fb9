#!/bin/bash
# What limits the fast kernels' GEMM (docs/results/core-fast-kernels.md, "What limits the rest").
# Needs Debian clang 14 + lld. Run from the repository root: bash docs/results/core-fast-kernels/ceiling.sh
# 1. The 4x8 micro-kernel alone, operands in L1, with mul+add (SIMD128) and with relaxed-SIMD FMA.
# 2. Whole GEMMs through the fast kernels, with the committed binary and with an FMA build.
# clang 14 emits relaxed FMA with the pre-standard opcode 0xfd 0xaf 0x01; V8 11.3 (Node 20) behind
# --experimental-wasm-relaxed-simd expects relaxed_madd (0xfd 0x85 0x02, a*b+c); the script patches
# it and checks the result numerically.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
patch_fma() { python3 -c "import sys;p=sys.argv[1];b=open(p,'rb').read();open(p,'wb').write(b.replace(bytes([0xfd,0xaf,0x01]),bytes([0xfd,0x85,0x02])))" "$1"; }
sed -e 's/wasm_f32x4_add(\(c[0-9][0-9]\), wasm_f32x4_mul(a, \(b[01]\)))/__builtin_wasm_fma_f32x4(a, \2, \1)/g' "$here/micro-kernel.c" > "$work/fma.c"
clang --target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry -Wl,--initial-memory=16777216 -o "$work/mk.wasm" "$here/micro-kernel.c"
clang --target=wasm32 -O3 -msimd128 -mrelaxed-simd -nostdlib -Wl,--no-entry -Wl,--initial-memory=16777216 -o "$work/mkf.wasm" "$work/fma.c"
patch_fma "$work/mkf.wasm"
cat > "$work/run.mjs" <<'JS'
import { readFileSync } from 'node:fs';
const [file, label] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const { k, memory } = instance.exports;
// Check: A = 1 (4 x kc), B = 2 (kc x 8) -> every C entry = 2 kc.
const f = new Float32Array(memory.buffer); f.fill(1, 1024, 1024 + 1024); f.fill(2, 2048, 2048 + 2048);
k(256, 4096, 8192, 65536); if (f[16384] !== 512 || f[16384 + 31] !== 512) throw new Error(`wrong result ${f[16384]}`);
for (let r = 0; r < 3; r++) {
  const t0 = process.cpuUsage(); const reps = 200000;
  for (let i = 0; i < reps; i++) k(256, 4096, 8192, 65536);
  const c = process.cpuUsage(t0); const s = (c.user + c.system) / 1e6;
  console.log(`L1-resident 4x8 micro-kernel, ${label}: ${(reps * 256 * 64 / s / 1e9).toFixed(1)} GF/s`);
}
JS
node "$work/run.mjs" "$work/mk.wasm" 'f32x4 mul + add'
node --experimental-wasm-relaxed-simd "$work/run.mjs" "$work/mkf.wasm" 'relaxed madd (FMA)'
# Whole GEMMs: a copy of packages/core/src with kernels.c rebuilt for FMA.
core=packages/core
exp=$core/bench/_ceiling
rm -rf "$exp"; mkdir -p "$exp"; cp -r $core/src "$exp/src"; find "$exp" -name '*.test.ts' -delete; cp "$here/gemm.ts" "$exp/gemm.ts"
sed -e 's/c##r##0 = wasm_f32x4_add(c##r##0, wasm_f32x4_mul(a, b0));/c##r##0 = __builtin_wasm_fma_f32x4(a, b0, c##r##0);/' \
    -e 's/c##r##1 = wasm_f32x4_add(c##r##1, wasm_f32x4_mul(a, b1));/c##r##1 = __builtin_wasm_fma_f32x4(a, b1, c##r##1);/' $core/native/kernels.c > "$exp/kernels.c"
grep -c __builtin_wasm_fma_f32x4 "$exp/kernels.c"
clang --target=wasm32 -O3 -msimd128 -mrelaxed-simd -matomics -mbulk-memory -mmutable-globals -nostdlib -ffreestanding -fno-builtin -Wall \
  -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=2147483648 -Wl,--export=__heap_base -Wl,--strip-all -o "$exp/k.wasm" "$exp/kernels.c"
patch_fma "$exp/k.wasm"
python3 - "$exp" <<'PY'
import base64, re, sys
exp = sys.argv[1]
b = open(f'{exp}/k.wasm', 'rb').read()
p = f'{exp}/src/fast-kernels-binary.ts'
t = open(p).read()
open(p, 'w').write(re.sub(r"FAST_KERNELS_WASM_BASE64 =\n  '[^']*'", "FAST_KERNELS_WASM_BASE64 =\n  '" + base64.b64encode(b).decode() + "'", t))
PY
(cd $core && for i in 1 2; do node --import tsx bench/_ceiling/gemm.ts base | grep GF; node --experimental-wasm-relaxed-simd --import tsx bench/_ceiling/gemm.ts exp | grep GF; done)
rm -rf "$exp" "$work"
