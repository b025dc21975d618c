# Shared by scripts/demo and scripts/test: make .venv (once) and install xerosync into it.
# Usage: . scripts/_venv.sh EXTRAS   (EXTRAS like "" or "[test]")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${PYTHON:-python3}"
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "xerosync needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=".venv/.installed$1"
# an install with more extras (scripts/test's) serves a command that needs none
if [ -z "$1" ]; then
  for other in .venv/.installed\[*\]; do
    if [ -f "$other" ] && [ ! pyproject.toml -nt "$other" ]; then stamp="$other"; fi
  done
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ examples/shop/pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$1" -e examples/shop
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
