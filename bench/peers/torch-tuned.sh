#!/usr/bin/env bash
# Runs a Python script with Debian's PyTorch tuned as a fair user would run it on this kind of machine:
# GEMMs through the OpenMP build of OpenBLAS (sharing torch's OpenMP pool) and jemalloc with decay disabled.
# As installed (pthread OpenBLAS, glibc malloc) torch 1.13 is 2-3x slower here. Usage: torch-tuned.sh script.py args...
set -euo pipefail
openmp=/usr/lib/x86_64-linux-gnu/openblas-openmp
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
[ -e "$openmp/libblas.so.3" ] || { echo "missing $openmp: apt-get install libopenblas0-openmp" >&2; exit 2; }
[ -e "$jemalloc" ] || { echo "missing $jemalloc: apt-get install libjemalloc2" >&2; exit 2; }
export LD_LIBRARY_PATH="$openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
export MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-${MEDFM_THREADS:-2}}"
exec /usr/bin/python3 "$@"
