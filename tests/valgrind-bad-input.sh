#!/usr/bin/env bash
# Bad input under valgrind: `layerscope info` on a missing file, a text
# file, a truncated model, a damaged zip and a model with an unknown layer
# must each fail with a message and exit status 1 (and `layerscope report` on
# files that are no session) — with no invalid read or
# write, and no definite leak.
set -u
layerscope="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$layerscope" zoo mnist-cnn -o "$tmp/good.h5" >/dev/null || { echo "zoo failed"; exit 1; }
size=$(stat -c %s "$tmp/good.h5")
head -c $((size / 2)) "$tmp/good.h5" > "$tmp/truncated.h5"
head -c 3000 "$tmp/good.h5" > "$tmp/header-only.h5"
echo "not a model" > "$tmp/notes.h5"
printf 'PK\003\004garbage that is not a zip archive' > "$tmp/damaged.keras"

status=0
for file in "$tmp/missing.h5" "$tmp/notes.h5" "$tmp/truncated.h5" "$tmp/header-only.h5" "$tmp/damaged.keras"; do
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$layerscope" info "$file" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  if [ $rc -ne 1 ] || ! grep -q "^layerscope: " "$tmp/err"; then
    echo "FAIL: $file: exit $rc"
    cat "$tmp/err"
    status=1
  else
    echo "ok: $(basename "$file"): $(grep '^layerscope: ' "$tmp/err" | head -1)"
  fi
done
# `layerscope report` on files that are not sessions, or truncated ones.
"$layerscope" profile "$tmp/good.h5" --runs 2 --warmup 1 --quiet --session "$tmp/good.lsc" || { echo "profile failed"; exit 1; }
size=$(stat -c %s "$tmp/good.lsc")
head -c $((size / 2)) "$tmp/good.lsc" > "$tmp/truncated.lsc"
for file in "$tmp/missing.lsc" "$tmp/notes.h5" "$tmp/good.h5" "$tmp/truncated.lsc"; do
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$layerscope" report "$file" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  if [ $rc -ne 1 ] || ! grep -q "^layerscope: " "$tmp/err"; then
    echo "FAIL: report $file: exit $rc"
    cat "$tmp/err"
    status=1
  else
    echo "ok: report $(basename "$file"): $(grep '^layerscope: ' "$tmp/err" | head -1)"
  fi
done
exit $status
