#!/usr/bin/env bash
# Set up motcua from this checkout: system packages, a virtual environment in .venv, the package.
#   ./install.sh          what the demo and a server need
#   ./install.sh dev      plus what the test suite needs (browser, test tools)
# Safe to run again: it installs only what is missing and upgrades the package in place.
# (Raspberry Pi roles with systemd units - server, kiosk, screen, rating-station - come with the
# deployment work; see docs/.)
set -euo pipefail
cd "$(dirname "$0")"

ROLE="${1:-demo}"
case "$ROLE" in
  demo|dev) ;;
  -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
  *) echo "install.sh: unknown role '$ROLE' (use: demo, dev)" >&2; exit 2 ;;
esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- system packages --------------------------------------------------------------------------
APT_PACKAGES=(fonts-dejavu-core espeak-ng sox)
if [ "$ROLE" = dev ]; then
  APT_PACKAGES+=(chromium postgresql)
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  APT_PACKAGES+=(python3-venv)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: please install these packages yourself: ${missing[*]}" >&2
  else
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    say "installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# --- Python -----------------------------------------------------------------------------------
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "install.sh: motcua needs Python 3.11 or newer (found $(python3 --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment in .venv"
  python3 -m venv .venv
fi
EXTRAS=""
[ "$ROLE" = dev ] && EXTRAS="[dev]"
say "installing motcua${EXTRAS} into .venv"
.venv/bin/python -m pip install --disable-pip-version-check -q -e ".${EXTRAS}"

say "ready: .venv/bin/motcua --help"
