#!/usr/bin/env bash
# `layerscope probe` end to end, in a private cache directory: JSON on
# standard output and in a file (checked with python3's json module where
# there is one), the second run answered from the cache, and absurd options
# failing with a message and exit status 1.
set -u
layerscope="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache"
failures=0
checks=0

check () {   # check NAME EXPECTED-STATUS PATTERN COMMAND…
  local name="$1" want="$2" pattern="$3"
  shift 3
  checks=$((checks + 1))
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

# check_json NAME FILE: valid JSON of schema 1 with a positive scalar peak
# and L1 bandwidth at one thread.
check_json () {
  checks=$((checks + 1))
  if ! command -v python3 > /dev/null; then
    echo "ok: $1 # SKIP no python3"
    return
  fi
  if python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
assert p["schema"] == 1, p["schema"]
assert p["thread_counts"][0] == 1
assert p["peak_gflops"]["scalar"][0] > 0
assert p["bandwidth_gbs"]["L1"][0] > 0
assert p["frequency_ghz"] > 0.5
assert p["machine"]["cores"] >= 1
' "$2"; then
    echo "ok: $1"
  else
    echo "not ok: $1"
    failures=$((failures + 1))
  fi
}

check "probe --json - measures" 0 '"schema"' "$layerscope" probe --json - --seconds 1 --no-cache
cp "$tmp/out" "$tmp/first.json"
check_json "probe --json - is JSON" "$tmp/first.json"
if ls "$XDG_CACHE_HOME"/layerscope/probe-*pu.json > /dev/null 2>&1; then
  echo "ok: the probe is cached"
else
  echo "not ok: the probe is cached"; failures=$((failures + 1))
fi
checks=$((checks + 1))

check "probe answers from the cache" 0 "Cached from" "$layerscope" probe
check "probe --json F" 0 "" "$layerscope" probe --json "$tmp/probe.json"
check_json "probe --json F is JSON" "$tmp/probe.json"
checks=$((checks + 1))
if cmp -s "$tmp/first.json" <(cat "$tmp/probe.json"; echo); then
  echo "ok: the cached probe is the measured one"
else
  echo "not ok: the cached probe is the measured one"; failures=$((failures + 1))
fi

check "probe: --threads 0" 1 "--threads must be at least 1" "$layerscope" probe --threads 0
check "probe: too many threads" 1 "at most" "$layerscope" probe --threads 100000
check "probe: --seconds 0" 1 "--seconds must be" "$layerscope" probe --seconds 0
check "probe: --seconds 601" 1 "--seconds must be" "$layerscope" probe --seconds 601
check "probe: --seconds abc" 1 "--seconds must be" "$layerscope" probe --seconds abc
check "probe: an argument" 1 "no arguments" "$layerscope" probe model.h5
check "probe: unknown option" 1 "Unknown option" "$layerscope" probe --frobnicate
check "probe --help" 0 "--no-cache" "$layerscope" probe --help
check "probe is listed" 0 "probe" "$layerscope" --help

echo "$(( checks - failures )) passed, $failures failed"
[ "$failures" -eq 0 ]
