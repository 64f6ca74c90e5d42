#!/bin/sh
# Own virtual environment for libemg (it pins an older NumPy than upperback uses), made from
# the configured package index. Benchmark set-up only: nothing in the product downloads.
# Usage: sh benchmarks/emg/peers_env.sh   (then: python benchmarks/emg/bench_peers_libemg.py)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv-libemg"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet libemg
"$venv/bin/python" -c "import libemg, numpy; print('libemg', libemg.__version__ if hasattr(libemg, '__version__') else '?', 'numpy', numpy.__version__)"
