#!/usr/bin/env bash
# What the tests need from the system: Debian's Chromium and Firefox ESR (browser suites),
# redis-server (the clustered registry), xvfb (the desktop client's display, headful Firefox) and
# ffmpeg (ffprobe checks recordings). Installed with apt-get when we are
# root; otherwise one clear line says what to install. Never a silent skip.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "Sightline tests need these Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
exit 1
