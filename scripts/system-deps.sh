#!/usr/bin/env bash
# System packages the tests use, installed where we may (Debian/Ubuntu, as root).
# Missing ones only make the tests that need them skip; this never fails the run.
set -u
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v makensis >/dev/null 2>&1 || need+=(nsis)
# Qt's offscreen platform still loads these shared libraries.
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libGL.so.1 libdbus-1.so.3; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || need+=("$lib")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Thiếu gói hệ thống (${need[*]}): các bài kiểm tra cần chúng sẽ được bỏ qua." >&2
  exit 0
fi
pkgs=()
for p in "${need[@]}"; do
  case "$p" in
    libEGL.so.1) pkgs+=(libegl1) ;;
    libxkbcommon.so.0) pkgs+=(libxkbcommon0) ;;
    libfontconfig.so.1) pkgs+=(libfontconfig1) ;;
    libGL.so.1) pkgs+=(libgl1) ;;
    libdbus-1.so.3) pkgs+=(libdbus-1-3) ;;
    *) pkgs+=("$p") ;;
  esac
done
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" fonts-liberation >/dev/null 2>&1 \
  || echo "Không cài được: ${pkgs[*]}" >&2
exit 0
