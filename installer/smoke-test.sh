#!/usr/bin/env bash
# Smoke test of the frozen one-folder bundle (run by .ci/run after installer/build-linux.sh):
#   installer/smoke-test.sh [BUNDLE_DIR]        (default build/linux/dist/cchc-desktop)
#
# The bundle is copied to a fresh temporary folder outside the source tree and run from there
# with a bare environment (no PYTHONPATH, HOME and the data folders in the temporary folder,
# cwd there too). Where the system allows it (root or user namespaces) the source tree is
# also hidden behind an empty tmpfs for every run of the frozen program, so a resource looked
# up from the source tree fails the test; in any case the frozen program must report that
# its resources/ lies inside the copied bundle.
# Then makensis compiles installer/cchc-desktop.nsi with this bundle standing in for the
# Windows payload (the script is at least well-formed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=$(cd "${1:-$ROOT/build/linux/dist/cchc-desktop}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cchc-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
case "$WORK/" in "$ROOT/"*) echo "smoke-test: the temporary folder must lie outside $ROOT" >&2; exit 2 ;; esac

fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }
ok() { echo "smoke ok: $*"; }

cp -a "$BUNDLE" "$WORK/app"
APP="$WORK/app/cchc-desktop"
[ -x "$APP" ] || fail "no executable $APP"
mkdir -p "$WORK/home" "$WORK/run" "$WORK/out"
chmod 700 "$WORK/run"
cd "$WORK"

HIDE=0
if command -v unshare >/dev/null 2>&1 && unshare -m sh -c "mount -t tmpfs none '$ROOT'" 2>/dev/null; then
  HIDE=1
elif command -v unshare >/dev/null 2>&1 && unshare -rm sh -c "mount -t tmpfs none '$ROOT'" 2>/dev/null; then
  HIDE=2
fi

# run_app ARGS…: the frozen program, bare environment, source tree hidden where possible.
run_app() {
  local envs=(env -i PATH=/usr/bin:/bin HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/data"
              XDG_CACHE_HOME="$WORK/home/cache" XDG_CONFIG_HOME="$WORK/home/config"
              XDG_RUNTIME_DIR="$WORK/run" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen
              ${CCHC_PRINT_RESOURCE_DIR:+CCHC_PRINT_RESOURCE_DIR=1})
  case $HIDE in
    1) "${envs[@]}" unshare -m sh -c 'mount -t tmpfs none "$0" && exec "$@"' "$ROOT" "$APP" "$@" ;;
    2) "${envs[@]}" unshare -rm sh -c 'mount -t tmpfs none "$0" && exec "$@"' "$ROOT" "$APP" "$@" ;;
    *) "${envs[@]}" "$APP" "$@" ;;
  esac
}

# 0. nothing the app does not use is in the bundle
INTERNAL="$WORK/app/_internal"
for unwanted in tkinter _tkinter pydoc_data pytest _pytest hypothesis pandas \
                PySide6/Qt/translations PySide6/QtQml PySide6/QtQuick PySide6/QtWebEngineCore \
                PySide6/Qt/qml matplotlib/mpl-data/sample_data numpy/tests matplotlib/tests libssl; do
  if compgen -G "$INTERNAL/$unwanted*" >/dev/null; then fail "the bundle holds $unwanted, which the app does not use"; fi
done
ok "no unused module in the bundle ($(du -sh "$WORK/app" | cut -f1))"

# 1. resources are found inside the bundle, and only there
if [ $HIDE != 0 ]; then
  hidden_ls=$(env -i PATH=/usr/bin:/bin unshare -m sh -c 'mount -t tmpfs none "$0" && ls -A "$0"' "$ROOT" 2>/dev/null \
              || env -i PATH=/usr/bin:/bin unshare -rm sh -c 'mount -t tmpfs none "$0" && ls -A "$0"' "$ROOT")
  [ -z "$hidden_ls" ] || fail "could not hide the source tree"
  ok "source tree $ROOT hidden from the frozen program (empty tmpfs in a private mount namespace)"
else
  echo "smoke: cannot hide the source tree here (no mount namespace); checking resource_dir only" >&2
fi
listing=$(CCHC_PRINT_RESOURCE_DIR=1 run_app list 2>&1) || fail "list: $listing"
where=$(sed -n 's/^resource_dir=//p' <<<"$listing" | head -1)
grep -q "BM3/3.3.1" <<<"$listing" || fail "list printed no catalogue (is resources/catalogue in the bundle?)"
case "$where" in
  "$INTERNAL/resources") ok "resource_dir=$where" ;;
  *) fail "resources looked up at '$where', not inside the bundle ($INTERNAL/resources)" ;;
esac
grep -qx "utf8_mode=1" <<<"$listing" || fail "the frozen program does not run in UTF-8 mode (the spec's -X utf8)"
ok "UTF-8 mode"
[ -f "$INTERNAL/resources/icons/app.ico" ] || fail "the app icon is not in the bundle"
# the user guide (Trợ giúp → Hướng dẫn sử dụng) beside resources/, with every picture it shows
GUIDE="$INTERNAL/docs/huong-dan-su-dung.md"
[ -s "$GUIDE" ] || fail "the user guide is not in the bundle ($GUIDE)"
missing=$(grep -o '](images/[^)]*)' "$GUIDE" | sed 's/^](//; s/)$//' | while read -r pic; do
            [ -s "$INTERNAL/docs/$pic" ] || echo "$pic"; done)
[ -z "$missing" ] || fail "pictures of the guide missing from the bundle: $missing"
ok "user guide in the bundle with its $(grep -c '](images/' "$GUIDE") pictures"

# 2. demo
DB="$WORK/out/demo.sqlite"
out=$(run_app demo --db "$DB" 2>&1) || fail "demo: $out"
[ -s "$DB" ] || fail "demo wrote no data file"
grep -q "Chi Lăng Nam" <<<"$out" || fail "demo printed: $out"
ok "demo → $(basename "$DB") ($(stat -c %s "$DB") bytes)"

# 3. validate (exit 0 = no error, 1 = findings with errors: both mean it ran)
set +e
out=$(run_app validate --db "$DB" --period 2023-NAM 2>&1); rc=$?
set -e
{ [ $rc = 0 ] || [ $rc = 1 ]; } || fail "validate exited $rc: $out"
grep -q -E "Tổng cộng|Không phát hiện" <<<"$out" || fail "validate printed: $out"
! grep -q Traceback <<<"$out" || fail "validate printed a traceback"
ok "validate (exit $rc): $(tail -1 <<<"$out")"

# 4. dump (the JSON of a period)
run_app dump --db "$DB" --period 2023-NAM >"$WORK/out/dump.json" 2>"$WORK/out/dump.err" || fail "dump: $(cat "$WORK/out/dump.err")"
python3 -c "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); assert d" "$WORK/out/dump.json" \
  || fail "dump printed no JSON"
ok "dump ($(stat -c %s "$WORK/out/dump.json") bytes of JSON)"

# 5. export to Word (once the Word export exists in the source tree, it is required)
if [ -f "$ROOT/cchc_desktop/exporting/docx_report.py" ]; then
  out=$(run_app export --db "$DB" --period 2023-NAM --docx "$WORK/out/bao-cao.docx" 2>&1) || fail "export: $out"
  [ -s "$WORK/out/bao-cao.docx" ] || fail "export wrote no .docx"
  python3 - "$WORK/out/bao-cao.docx" <<'PY' || fail "the exported .docx is not a Word document"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    xml = z.read("word/document.xml").decode("utf-8")
assert "Chi Lăng Nam" in xml or "CHI LĂNG NAM" in xml, "unit name missing"
PY
  ok "export --docx ($(stat -c %s "$WORK/out/bao-cao.docx") bytes)"
else
  echo "smoke: SKIP export --docx (cchc_desktop/exporting/docx_report.py not in the source tree yet)" >&2
fi

if [ -f "$ROOT/cchc_desktop/exporting/xlsx_appendix.py" ]; then
  out=$(run_app export --db "$DB" --period 2023-NAM --xlsx "$WORK/out/phu-luc.xlsx" 2>&1) || fail "export --xlsx: $out"
  [ -s "$WORK/out/phu-luc.xlsx" ] || fail "export wrote no .xlsx"
  ok "export --xlsx ($(stat -c %s "$WORK/out/phu-luc.xlsx") bytes)"
fi

# 5b. a signed hand-off package, imported by an upper level (cryptography's Ed25519 in the bundle)
mkdir -p "$WORK/out/usb"
# the demo keeps the seed's two errors: the package is refused until they are accepted with a reason
if run_app package --db "$DB" --period 2023-NAM --out "$WORK/out/usb" --khong-kem-van-ban --chot >/dev/null 2>&1; then
  fail "package made while validate has errors"
fi
out=$(run_app chap-nhan-loi --db "$DB" --period 2023-NAM --tat-ca --ly-do "Số liệu đúng như báo cáo gốc" 2>&1) || fail "chap-nhan-loi: $out"
# a draft period is closed (chốt) first: the upper level receives a final figure
if out=$(run_app package --db "$DB" --period 2023-NAM --out "$WORK/out/usb" --khong-kem-van-ban 2>&1); then
  fail "package made from a draft period"
fi
grep -q -- "--chot" <<<"$out" || fail "package of a draft printed: $out"
out=$(run_app package --db "$DB" --period 2023-NAM --out "$WORK/out/usb" --khong-kem-van-ban --chot 2>&1) || fail "package: $out"
out=$(run_app import-package --db "$WORK/out/huyen.sqlite" "$WORK/out/usb" 2>&1) || fail "import-package: $out"
grep -q "mã khóa" <<<"$out" || fail "import-package printed: $out"
ok "package signed and imported: $(head -1 <<<"$out")"

# 6. the window, offscreen, one PNG per tab (required once ui/shell/app.py exists)
if [ -f "$ROOT/ui/shell/app.py" ]; then
  out=$(run_app gui --db "$DB" --screenshot "$WORK/out/shots" 2>&1) || fail "gui --screenshot: $out"
  n=$(find "$WORK/out/shots" -name '*.png' -size +1k 2>/dev/null | wc -l)
  [ "$n" -ge 1 ] || fail "gui --screenshot saved no PNG: $out"
  ok "gui --screenshot: $n PNG"
else
  echo "smoke: SKIP gui --screenshot (ui/shell/app.py not in the source tree yet)" >&2
fi

# 7. a failure is one Vietnamese line, no traceback
set +e
out=$(run_app validate --db "$WORK/out/khong-co.sqlite" --period 2023-NAM 2>&1); rc=$?
set -e
[ $rc = 1 ] && grep -q "Không tìm thấy" <<<"$out" && ! grep -q Traceback <<<"$out" \
  || fail "a missing data file gave exit $rc: $out"
ok "a missing file: one Vietnamese line, exit 1"

# 8. the NSIS installer script compiles with this bundle as payload
if command -v makensis >/dev/null 2>&1; then
  version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/cchc_desktop/__init__.py")
  version4=$(python3 "$ROOT/installer/version_info.py" --four "$version")
  out=$(makensis -V2 -WX -INPUTCHARSET UTF8 -DNOCOMPRESS -DPAYLOAD_DIR="$WORK/app" \
        -DVERSION="$version" -DVERSION4="$version4" \
        -DOUTFILE="$WORK/out/cchc-desktop-cai-dat.exe" "$ROOT/installer/cchc-desktop.nsi" 2>&1) \
    || fail "makensis: $out"
  [ -s "$WORK/out/cchc-desktop-cai-dat.exe" ] || fail "makensis wrote no installer"
  ok "makensis: installer script $version ($version4) compiles ($(du -sh "$WORK/out/cchc-desktop-cai-dat.exe" | cut -f1) with the Linux payload)"
else
  echo "smoke: SKIP makensis (NSIS not installed; scripts/system-deps.sh installs it)" >&2
fi
echo "smoke test passed"
