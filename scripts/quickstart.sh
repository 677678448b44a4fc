#!/usr/bin/env bash
# Quickstart command 1: set up, build (release preset) and run coda's main job on a built-in default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target coda
build/coda stats alexnet
