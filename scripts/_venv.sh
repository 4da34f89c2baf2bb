# Sourced by the set-up scripts: a virtual environment in .venv with Prima installed.
# Usage: . scripts/_venv.sh [EXTRAS]   (e.g. "test")
set -euo pipefail
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Prima needs Python >= 3.11 ($PY is $("$PY" --version 2>&1))" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
fi
spec="."
[ -n "${1:-}" ] && spec=".[$1]"
.venv/bin/uv pip install --quiet --python .venv/bin/python -e "$spec"
export PATH="$PWD/.venv/bin:$PATH"
