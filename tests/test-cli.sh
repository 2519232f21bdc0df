#!/usr/bin/env bash
# The command line end to end: zoo → info → run on a .npy → predict, and
# bad invocations failing with a message on stderr and exit status 1.
set -u
layerscope="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

check () {   # check NAME EXPECTED-STATUS STDERR-PATTERN COMMAND…
  local name="$1" want="$2" pattern="$3"
  shift 3
  "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ] || { [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err" "$tmp/out"; }; then
    echo "not ok: $name (exit $rc, wanted $want; pattern “$pattern”)"
    sed 's/^/  | /' "$tmp/err" | head -5
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}

# A float32 .npy of shape (2, 28, 28, 1), all 0.5 (0x3f000000), written by hand.
npy_input () {
  local header="{'descr': '<f4', 'fortran_order': False, 'shape': (2, 28, 28, 1), }"
  local pad=$((128 - 10 - ${#header} - 1))
  { printf '\x93NUMPY\x01\x00\x76\x00'; printf '%s%*s\n' "$header" "$pad" ""; \
    for _ in $(seq 1568); do printf '\x00\x00\x00\x3f'; done; } > "$1"
}

check "zoo writes mnist-cnn" 0 "Wrote" "$layerscope" zoo mnist-cnn -o "$tmp/mnist.h5"
check "info prints the summary" 0 "Total params: 1,199,882" "$layerscope" info "$tmp/mnist.h5"
check "info --json" 0 '"total_params" : 1199882' "$layerscope" info --json "$tmp/mnist.h5"

npy_input "$tmp/x.npy"
check "run writes an output" 0 "" "$layerscope" run "$tmp/mnist.h5" --input "$tmp/x.npy" --output "$tmp/y.npy"
if ! head -c 128 "$tmp/y.npy" | grep -q "'shape': (2, 10)"; then
  echo "not ok: run output has shape (2, 10)"; failures=$((failures + 1))
else
  echo "ok: run output has shape (2, 10)"
fi

check "run: missing --output" 1 "1 output but 0 --output" "$layerscope" run "$tmp/mnist.h5" --input "$tmp/x.npy"
check "run: not a .npy" 1 "layerscope: " "$layerscope" run "$tmp/mnist.h5" --input "$tmp/mnist.h5" --output "$tmp/z.npy"
check "predict: not an image" 1 "not an image" "$layerscope" predict "$tmp/mnist.h5" "$tmp/x.npy"
check "predict: absurd --top" 1 "--top must be at least 1" "$layerscope" predict "$tmp/mnist.h5" "$tmp/x.npy" --top 0
check "predict: unknown preprocessing" 1 "Unknown preprocessing" "$layerscope" predict "$tmp/mnist.h5" "$tmp/x.npy" --preprocess magic
check "zoo: unknown architecture" 1 "layerscope: " "$layerscope" zoo alexnet -o "$tmp/a.h5"
check "zoo: absurd size" 1 "layerscope: " "$layerscope" zoo mobilenetv2 --size 5 -o "$tmp/a.h5"
check "unknown command" 1 "unknown command" "$layerscope" frobnicate
check "bad option" 1 "Unknown option" "$layerscope" info --frobnicate "$tmp/mnist.h5"
# A session written by profile and printed again by report: the same layers.
check "profile --session" 0 "" "$layerscope" profile "$tmp/mnist.h5" --runs 3 --warmup 1 --quiet \
  --session "$tmp/s.lsc" --json "$tmp/profile.json"
check "report prints the table" 0 "Overhead" "$layerscope" report "$tmp/s.lsc"
"$layerscope" report "$tmp/s.lsc" --json - > "$tmp/report.json" 2> "$tmp/err"
if python3 - "$tmp/profile.json" "$tmp/report.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert b["schema"] == a["schema"] and len(b["layers"]) == len(a["layers"]) > 0, "layers differ"
assert a == b, "the report's JSON differs from the profile's"
assert b["config"]["timed_runs"] == 3
PY
then echo "ok: report --json is profile's JSON"; else echo "not ok: report --json is profile's JSON"; failures=$((failures + 1)); fi
check "report: a model, not a session" 1 "Keras model" "$layerscope" report "$tmp/mnist.h5"
check "report: missing file" 1 "no such session file" "$layerscope" report "$tmp/none.lsc"
check "help" 0 "Commands:" "$layerscope" --help
check "subcommand help" 0 "--preprocess" "$layerscope" predict --help

echo "$(( 21 - failures )) passed, $failures failed"
[ "$failures" -eq 0 ]
