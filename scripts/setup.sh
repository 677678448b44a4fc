#!/usr/bin/env bash
# Installs every Debian package coda needs to build, test, fuzz and benchmark. Idempotent: it
# only calls apt-get when a package is missing. Nothing is downloaded at run time.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libtbb-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libonnx-dev libonnx-testdata python3-onnx python3-numpy libprotobuf-dev protobuf-compiler
  valgrind
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
