#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser tests (test/ui), installed only when missing.
# playwright-core drives it; Playwright's own browser download cannot reach its host from here.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium
/usr/bin/chromium --version
