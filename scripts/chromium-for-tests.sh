# Sourced by scripts/test: Debian's Chromium for the browser tests (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export PRIMA_CHROMIUM=/usr/bin/chromium
