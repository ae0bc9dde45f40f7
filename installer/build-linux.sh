#!/usr/bin/env bash
# Builds the one-folder bundle on Linux with the same spec as Windows (the CI stand-in):
#   installer/build-linux.sh            → build/linux/dist/cchc-desktop/cchc-desktop
# PyInstaller comes from pyproject's `build` extra, installed into the venv if missing
# (never a dependency of the app itself). PYTHON and CCHC_BUILD_DIR override the defaults.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
OUT=${CCHC_BUILD_DIR:-$ROOT/build/linux}
export CCHC_BUILD_DIR=$OUT

if ! "$PY" -c "import PyInstaller" >/dev/null 2>&1; then
  reqs=$("$PY" -c "import tomllib,sys; d=tomllib.load(open(sys.argv[1],'rb')); print(' '.join(d['project']['optional-dependencies']['build']))" "$ROOT/pyproject.toml")
  echo "Cài PyInstaller: $reqs" >&2
  # shellcheck disable=SC2086
  "$PY" -m pip install -q --disable-pip-version-check $reqs
fi

# The icon is committed; regenerate it only if it is missing (scripts/make_icon.py needs Qt).
[ -f "$ROOT/resources/icons/app.ico" ] || QT_QPA_PLATFORM=offscreen "$PY" "$ROOT/scripts/make_icon.py"

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --log-level "${PYI_LOG_LEVEL:-WARN}" \
  --distpath "$OUT/dist" --workpath "$OUT/work" "$ROOT/installer/cchc-desktop.spec" >&2
# This Python's libpython carries debug symbols (~17 MB); strip that one file only
# (PyInstaller's strip=True would strip numpy's OpenBLAS too, which then fails to load).
if command -v strip >/dev/null 2>&1; then
  for lib in "$OUT"/dist/cchc-desktop/_internal/libpython3*.so*; do
    [ -f "$lib" ] && strip --strip-debug "$lib" || true
  done
fi
echo "Đã đóng gói trong $(( $(date +%s) - start )) giây: $OUT/dist/cchc-desktop ($(du -sh "$OUT/dist/cchc-desktop" | cut -f1))" >&2
echo "$OUT/dist/cchc-desktop"
