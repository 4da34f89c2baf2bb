# Sourced by scripts/test: the Debian packages the tests drive (never `playwright install`).
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
# GNU gettext's xgettext: the catalogue test runs makemessages (tests/test_translations.py).
if ! command -v xgettext >/dev/null; then
  echo "== installing gettext (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
fi
