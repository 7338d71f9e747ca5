#!/usr/bin/env bash
# Makes sure Debian's chromium is installed at /usr/bin/chromium (the report tests render pages in it headless).
# Idempotent and instant when it is already there; otherwise installs it with apt-get, quietly and non-interactively.
# Exits non-zero when chromium cannot be installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-liberation; } >/dev/null 2>&1; then
  echo "could not install chromium with apt-get" >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "chromium was installed but /usr/bin/chromium is missing" >&2
  exit 1
fi
