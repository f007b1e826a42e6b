#!/usr/bin/env bash
# Installs the Debian packages servicehall needs, only those that are missing.
# Used by `make demo` and `make test`; works as root or through sudo.
set -euo pipefail
packages=(
  mosquitto mosquitto-clients   # the hall's MQTT broker, and mosquitto_pub for checks
  xvfb xauth                    # Kivy windows in tests and screenshots
  libgl1-mesa-dri libegl1 libmtdev1 libgl1  # OpenGL and input libraries Kivy loads
  fonts-wqy-microhei            # the CJK font the front ends register and the bulletin PDF embeds
  poppler-utils                 # pdftotext/pdftoppm: the tests read the bulletin PDF back
  espeak-ng sox                 # offline Mandarin voice for the hall screen
  systemd                       # systemd-analyze verify for the unit files
  python3-venv                  # .venv on a fresh machine
  gcc python3-dev linux-libc-dev  # evdev ships no wheel: it compiles against linux/input.h
  postgresql                    # the PostgreSQL store test (multi-hall deployments)
  chromium                      # the console's browser tests (Playwright drives Debian's
                                # chromium: Playwright's own browser download is not available)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
