#!/usr/bin/env bash
# Quickstart command 2 (and CI, via .ci/run): set up, build, and run the whole test suite:
#   1. release build, all unit tests (CTest/GoogleTest), CLI tests included;
#   2. the ASan+UBSan build of the unit tests;
#   3. every libFuzzer target for a short bounded time (clang, fuzz preset).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
JOBS="${CODA_JOBS:-$(nproc)}"
FUZZ_SECONDS="${CODA_FUZZ_SECONDS:-20}"

echo "== release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release -j "$JOBS"
ctest --preset release -j "$JOBS"

echo "== ASan+UBSan build and unit tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan -j "$JOBS"

echo "== fuzzing each parser for ${FUZZ_SECONDS}s"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$JOBS"
for f in build-fuzz/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus="fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  echo "-- $name"
  "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 "$work" 2>&1 | tail -n 2
  rm -rf "$work"
done
echo "all tests passed"
