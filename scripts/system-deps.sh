#!/bin/sh
# System packages the test suite needs beyond Python: Debian's Chromium for the browser tests and
# poppler-utils (pdftoppm) to render generated PDFs to PNG in tests.
# Installs them when missing and we may (root, or passwordless sudo); otherwise says what to install.
set -e
if command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "missing: install Debian's 'chromium' and 'poppler-utils' packages for the browser and PDF tests" >&2
  exit 1
fi
echo "installing chromium and poppler-utils (Debian packages) for the browser and PDF tests..."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
command -v chromium >/dev/null && command -v pdftoppm >/dev/null
