#!/usr/bin/env bash
# ./run bench [MODEL…]: Layerscope against ONNX Runtime (CPU) on the zoo's MobileNetV2 1.0/224
# and ResNet50, batch 1 and 8, 1 and 2 threads.
#
# Both engines run the SAME network with the SAME weights: the zoo writes the Keras .h5 and
# keras-to-onnx.py converts that file.  Before timing anything, one input goes through
# `layerscope run` (the reference executor) and through ONNX Runtime, and the outputs must agree.
# Then each case runs `layerscope bench … --json` and ort-bench.mjs, alternating the two, and
# prints median/min/p90 and `ratio layerscope/ort MODEL bB tT = X.XX` (median over median).
#
# Everything generated (models, ONNX files, node_modules) goes to build/bench/.
# Environment: BENCH_RUNS (timed runs, default 30), BENCH_WARMUP (default 5),
# BENCH_PYTHON (default /usr/bin/python3, where Debian's python3-onnx lives),
# BENCH_LAYERSCOPE (the binary, default build/app/layerscope).
# Expects ./build to be built (./run bench builds it first).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
here=$root/tests/bench
out=$root/build/bench
lsc=${BENCH_LAYERSCOPE:-$root/build/app/layerscope}
py=${BENCH_PYTHON:-/usr/bin/python3}
runs=${BENCH_RUNS:-30}
warmup=${BENCH_WARMUP:-5}
batches=(1 8)
threads=(1 2)
if [ $# -gt 0 ]; then models=("$@"); else models=(mobilenetv2 resnet50); fi

# Debian 12 packages the benchmark needs on top of the build's DEPS (see ../../run).
BENCH_DEPS=(python3-onnx python3-numpy python3-h5py nodejs npm)

install_missing_bench_deps () {
  local missing=()
  for pkg in "${BENCH_DEPS[@]}"; do
    case "$pkg" in
      # NodeSource's nodejs ships npm and conflicts with Debian's npm: ask for the commands.
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing missing benchmark dependencies: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# onnxruntime-node, pinned by package.json + package-lock.json, installed in build/bench/.
# --ignore-scripts skips the package's install script (it only downloads the CUDA build).
install_onnxruntime () {
  local stamp=$out/node_modules/.layerscope-installed
  if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
    echo "Installing onnxruntime-node into build/bench/"
    rm -rf "$out/node_modules"
    cp "$here/package.json" "$here/package-lock.json" "$out/"
    (cd "$out" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$here/package-lock.json" "$stamp"
  fi
  local binding
  binding=$out/node_modules/onnxruntime-node/bin/napi-v6/$(node -p 'process.platform + "/" + process.arch')/onnxruntime_binding.node
  if [ ! -f "$binding" ]; then
    echo "run-bench: onnxruntime-node has no CPU binding for this platform ($binding)" >&2
    exit 1
  fi
  if ! (cd "$out" && node -e 'require("onnxruntime-node")'); then
    echo "run-bench: $binding does not load" >&2
    exit 1
  fi
}

# The zoo's .h5 (rewritten when the binary is newer) and its ONNX export.
write_models () {
  local m
  for m in "${models[@]}"; do
    if [ ! "$out/$m.h5" -nt "$lsc" ]; then
      "$lsc" zoo "$m" -o "$out/$m.h5"
    fi
    if [ ! "$out/$m.onnx" -nt "$out/$m.h5" ] || [ ! "$out/$m.onnx" -nt "$here/keras-to-onnx.py" ]; then
      "$py" "$here/keras-to-onnx.py" "$out/$m.h5" "$out/$m.onnx"
    fi
  done
}

ort_bench () {
  ORT_BENCH_PREFIX=$out node "$here/ort-bench.mjs" "$@"
}

# Same input, both engines, outputs compared relative to the output's range: the models end in
# a softmax over 1000 classes, whose values are all small, so an absolute 1e-3 would prove nothing.
check_model () {
  local m=$1 dir=$out/check
  mkdir -p "$dir"
  "$py" -c 'import sys, numpy as np
np.save (sys.argv[1], np.random.default_rng (7).uniform (-1, 1, (2, 224, 224, 3)).astype (np.float32))' "$dir/x.npy"
  rm -f "$dir/$m.lsc.npy" "$dir/$m.ort.npy"
  "$lsc" run "$out/$m.h5" --input "$dir/x.npy" --output "$dir/$m.lsc.npy"
  ort_bench "$out/$m.onnx" --input "$dir/x.npy" --output "$dir/$m.ort.npy" --runs 1 --warmup 0 >/dev/null
  "$py" - "$m" "$dir/$m.lsc.npy" "$dir/$m.ort.npy" <<'EOF'
import sys
import numpy as np
name, ref, ort = sys.argv[1], np.load (sys.argv[2]), np.load (sys.argv[3])
if ref.shape != ort.shape:
  sys.exit (f"check {name}: FAILED, output shapes differ: layerscope {ref.shape}, ort {ort.shape}")
if not (np.isfinite (ref).all () and np.isfinite (ort).all ()):
  sys.exit (f"check {name}: FAILED, non-finite outputs")
diff = float (np.abs (ref.astype (np.float64) - ort).max ())
span = float (ref.max () - ref.min ())
rel = diff / span if span > 0 else (0.0 if diff == 0 else float ("inf"))
top1 = int ((ref.argmax (-1) == ort.argmax (-1)).sum ())
print (f"check {name}: max |layerscope run - ort| = {diff:.3g}, output range {span:.3g}, "
       f"relative {rel:.3g} (limit 1e-3), top-1 agrees on {top1}/{ref.shape[0]}")
if not rel <= 1e-3:
  sys.exit (f"check {name}: FAILED, the ONNX export and Layerscope disagree")
EOF
}

# "median min p90" from an engine's JSON object (which may span lines, or follow other lines).
timings () {
  "$py" -c 'import json, sys
text = sys.stdin.read ()
try:
  r = json.loads (text[text.index ("{"):text.rindex ("}") + 1])
  print ("%.3f %.3f %.3f" % (r["median_ms"], r["min_ms"], r["p90_ms"]))
except (ValueError, KeyError, TypeError) as e:
  sys.exit ("run-bench: no median_ms, min_ms, p90_ms in %r (%s)" % (text[:300], e))'
}

print_timings () {
  local engine=$1 median=$2 min=$3 p90=$4
  printf '  %-11s median %9.2f ms   min %9.2f ms   p90 %9.2f ms\n' "$engine" "$median" "$min" "$p90"
}

install_missing_bench_deps
if [ ! -x "$lsc" ]; then
  echo "run-bench: $lsc is missing; build first (./run bench does)" >&2
  exit 1
fi
mkdir -p "$out"
install_onnxruntime
write_models

have_lsc_bench=1
if ! "$lsc" bench --help >/dev/null 2>&1; then
  have_lsc_bench=0
fi

echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ONNX Runtime $(node -p 'require(process.argv[1] + "/node_modules/onnxruntime-node/package.json").version' "$out")," \
     "node $(node --version); $runs timed runs after $warmup warm-up runs per case"
echo

for m in "${models[@]}"; do
  check_model "$m"
done
echo
[ $have_lsc_bench -eq 1 ] || echo "layerscope bench: not available (no ratios)"

status=0
ratios=()
case_index=0
for m in "${models[@]}"; do
  for b in "${batches[@]}"; do
    for t in "${threads[@]}"; do
      echo "$m b$b t$t"
      # Alternate which engine goes first, so that neither always runs on a cooler machine.
      if [ $((case_index % 2)) -eq 0 ]; then order=(lsc ort); else order=(ort lsc); fi
      case_index=$((case_index + 1))
      lsc_t="" ort_t=""
      for engine in "${order[@]}"; do
        if [ "$engine" = ort ]; then
          ort_t=$(ort_bench "$out/$m.onnx" --batch "$b" --threads "$t" --runs "$runs" --warmup "$warmup" | timings)
        elif [ $have_lsc_bench -eq 1 ]; then
          if ! lsc_t=$("$lsc" bench "$out/$m.h5" --batch "$b" --threads "$t" --runs "$runs" --json | timings); then
            echo "  layerscope bench failed" >&2
            lsc_t="" status=1
          fi
        fi
      done
      [ -n "$lsc_t" ] && print_timings layerscope $lsc_t
      print_timings ort $ort_t
      if [ -n "$lsc_t" ]; then
        line="ratio layerscope/ort $m b$b t$t = $(awk -v a="${lsc_t%% *}" -v b="${ort_t%% *}" 'BEGIN { printf "%.2f", a / b }')"
        echo "$line"
        ratios+=("$line")
      fi
    done
  done
done

# What profiling costs: `layerscope profile` interleaves unprofiled runs
# with the profiled ones and reports the difference of the medians (the
# goal is at most 2 %).
overheads=()
echo
echo "== profiling overhead: median profiled vs unprofiled run, 100 interleaved pairs =="
for m in "${models[@]}"; do
  for t in 1 2; do
    [ "$t" -gt "$(nproc)" ] && continue
    if json=$("$lsc" profile "$out/$m.h5" --threads "$t" --runs 100 --no-monitor --json - -q); then
      line="profiling overhead $m b1 t$t = $(printf '%s' "$json" | "$py" -c '
import json, sys
s = json.load (sys.stdin)["summary"]
print ("%+.1f %% (%.3f ms profiled, %.3f ms unprofiled)" % (100 * s["overhead"], s["wall_ns"]["p50"] / 1e6, s["unprofiled_wall_ns"]["p50"] / 1e6))')"
      echo "$line"
      overheads+=("$line")
    else
      echo "  layerscope profile failed" >&2
      status=1
    fi
  done
done

# The GEMM microkernels next to OpenBLAS on the convolution shapes of both
# models. OpenBLAS picks its own best core: an OPENBLAS_CORETYPE or
# OPENBLAS_L2_SIZE in the environment would handicap it.
if [ -x build/tests/bench-kernels ]; then
  echo
  echo "== kernels: GFLOP/s and % of the measured FMA peak, one thread, next to OpenBLAS cblas_sgemm =="
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/tests/bench-kernels --best-call || status=1
fi

if [ ${#ratios[@]} -gt 0 ]; then
  echo
  printf '%s\n' "${ratios[@]}"
fi
if [ ${#overheads[@]} -gt 0 ]; then
  printf '%s\n' "${overheads[@]}"
fi
exit $status
