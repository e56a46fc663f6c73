#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download needs
# internet access that closed networks and CI do not have). Install it when missing.
set -euo pipefail
if [ -n "${BORDERWATCH_CHROMIUM:-}" ] && [ -x "${BORDERWATCH_CHROMIUM}" ]; then
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "Chromium is missing: installing Debian's chromium package…"
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Cannot install Chromium without root. Install it (apt-get install chromium) and" >&2
  echo "re-run, or set BORDERWATCH_CHROMIUM to a Chromium binary." >&2
  exit 1
fi
command -v chromium
