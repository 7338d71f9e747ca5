#!/usr/bin/env bash
# Makes sure Debian's chromium is installed at /usr/bin/chromium (the report tests render pages in it headless).
# Idempotent and instant when it is already there; otherwise installs it with apt-get, quietly and non-interactively.
# The browser tests' fixture runs it when /usr/bin/chromium is missing, so `dotnet test GridActors.sln` works on a fresh
# machine; .ci/run runs it too. Callers that start at once (two test assemblies run in parallel) queue on a lock, and
# the later ones find chromium installed. Never prompts (sudo -n when not root). Exits non-zero, with apt-get's last
# lines on stderr, when chromium cannot be installed.
set -euo pipefail
BIN=/usr/bin/chromium
if [ -x "$BIN" ]; then exit 0; fi
if command -v flock >/dev/null; then
  exec 9>"${TMPDIR:-/tmp}/gridactors-chromium.lock"
  flock -w 1200 9 || { echo "timed out waiting for another chromium install to finish" >&2; exit 1; }
  if [ -x "$BIN" ]; then exit 0; fi
fi
if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium fonts-liberation; } >"$log" 2>&1; then
  echo "could not install chromium with apt-get:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
if [ ! -x "$BIN" ]; then
  echo "chromium was installed but $BIN is missing" >&2
  exit 1
fi
