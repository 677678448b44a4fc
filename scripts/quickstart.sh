#!/usr/bin/env bash
# Quickstart command 1: set up, build (release preset) and run coda's main job on a built-in default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target coda
# The main job: the shipped default experiment, Eyeriss (row stationary) on AlexNet at batch 4:
# every layer mapped by coda's mapper and costed by its model (data/experiments/eyeriss_alexnet.yaml).
build/coda run
