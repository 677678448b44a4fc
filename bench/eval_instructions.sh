#!/usr/bin/env bash
# Instructions per model evaluation on 256 mapspace samples (deterministic, unlike wall time):
#   bench/eval_instructions.sh [build-dir] <arch> <net:layer> <dataflow> <batch>
# e.g. bench/eval_instructions.sh build eyeriss alexnet:conv3 rs 4. Needs valgrind (apt-get).
set -euo pipefail
build=build
if [[ $# -eq 5 ]]; then build=$1; shift; fi
[[ $# -eq 4 ]] || { echo "usage: $0 [build-dir] <arch> <net:layer> <dataflow> <batch>" >&2; exit 2; }
bin=$build/bench/eval_instructions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for reps in 1 3; do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$reps" --toggle-collect='*evaluate_all*' \
    "$bin" "$@" "$reps" > "$tmp/out.$reps" 2> /dev/null
done
a=$(awk '/^summary:/ {print $2}' "$tmp/cg.1")
b=$(awk '/^summary:/ {print $2}' "$tmp/cg.3")
n=$(awk '/^mappings/ {print $2}' "$tmp/out.1")
# Two more repetitions of n evaluations each: the one-off costs cancel in the difference.
echo "$* : $(( (b - a) / (2 * n) )) instructions per evaluation ($n mappings)"
