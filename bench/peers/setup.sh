#!/usr/bin/env bash
# Installs the peers the benchmarks compare against: Debian's PyTorch (plus the tuning libraries) and
# ONNX Runtime's CPU build, whose native library ships in the npm package onnxruntime-node (installed without
# running its install scripts, which would try to download GPU binaries). Idempotent; needs root the first time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkgs=(python3-torch python3-numpy python3-pil python3-pydicom python3-nibabel libopenblas0-openmp libjemalloc2 nodejs npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v node >/dev/null 2>&1 && missing=("${missing[@]/nodejs}") && missing=("${missing[@]/npm}")
if [ -n "$(echo "${missing[@]}" | tr -d ' ')" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq ${missing[@]} >/dev/null
fi
if [ ! -d "$here/node_modules/onnxruntime-node" ]; then
  (cd "$here" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
fi
echo "peers ready: torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), onnxruntime-node $(node -p "require('$here/node_modules/onnxruntime-node/package.json').version")"
