#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser tests (test/ui), installed only when missing.
# playwright-core drives it; Playwright's own browser download cannot reach its host from here.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# .ci/run updates the package lists once for this script and the container engine's
[ "${ORDO_APT_UPDATED:-}" = "1" ] || apt-get update -qq
# no recommends: they bring ~200 packages a headless browser does not use (printing, notifications,
# perl's web stack); Liberation gives pages and screenshots the metric-compatible fonts
apt-get install -y -qq --no-install-recommends chromium fonts-liberation
/usr/bin/chromium --version
