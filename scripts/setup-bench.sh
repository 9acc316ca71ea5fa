#!/usr/bin/env bash
# Installs what bench/train_throughput needs beyond scripts/setup.sh, once; safe to run again:
#   - Debian python3-torch (PyTorch 1.13, CPU) so the benchmark runs the same networks in PyTorch;
#   - Debian libopenblas0-pthread: Debian's torch is built with BLAS_INFO=generic and does its matrix
#     products through the system libblas.so.3, which is otherwise the slow reference BLAS (measured here:
#     4x slower training). Installing it switches the system BLAS alternative to OpenBLAS.
# The benchmark runs without them (then it prints our numbers only).
set -euo pipefail

need_apt=()
/usr/bin/python3 -c "import torch" >/dev/null 2>&1 || need_apt+=(python3-torch)
[ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || [ "$(uname -m)" != x86_64 ] || need_apt+=(libopenblas0-pthread)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-bench: installing ${need_apt[*]} with apt-get"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
/usr/bin/python3 -c "import torch; print('setup-bench: torch', torch.__version__)"
