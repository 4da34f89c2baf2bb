# Sourced by scripts/test: Debian's Chromium for the browser tests (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export PRIMA_CHROMIUM=/usr/bin/chromium
# Debian's poppler-utils (pdftoppm, pdftotext) and zbar-tools (zbarimg) for the poster tests.
if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null || ! command -v zbarimg >/dev/null; then
  echo "== installing poppler-utils and zbar-tools (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils zbar-tools >/dev/null
fi
