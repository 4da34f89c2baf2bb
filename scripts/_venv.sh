# Sourced by the set-up scripts: defines venv_install, which makes a virtual environment in
# .venv with Prima installed and puts .venv/bin first on PATH.
# Usage: . scripts/_venv.sh; venv_install [EXTRAS]   (e.g. "test")
# A function, so that the caller's own arguments ("$@", e.g. --port 8123) never reach it.
venv_install() {
  local py=${PYTHON:-python3} spec="."
  "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Prima needs Python >= 3.11 ($py is $("$py" --version 2>&1))" >&2; exit 1; }
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
  fi
  if [ ! -x .venv/bin/uv ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
  fi
  [ -n "${1:-}" ] && spec=".[$1]"
  .venv/bin/uv pip install --quiet --python .venv/bin/python -e "$spec"
  export PATH="$PWD/.venv/bin:$PATH"
}
