#!/bin/sh
# System packages the test suite needs beyond Python: Debian's Chromium for the browser tests, poppler-utils
# (pdftoppm) to render generated PDFs to PNG in tests, and a Java runtime for the Spark scale-path test
# (tests/test_spark_parity.py, which would otherwise be skipped).
# Installs them when missing and we may (root, or passwordless sudo); otherwise says what to install.
set -e
if command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "missing: install Debian's 'chromium', 'poppler-utils' and 'default-jre-headless' packages for the browser, PDF and Spark tests" >&2
  exit 1
fi
echo "installing chromium, poppler-utils and default-jre-headless (Debian packages) for the browser, PDF and Spark tests..."
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils default-jre-headless >/dev/null
command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v java >/dev/null
