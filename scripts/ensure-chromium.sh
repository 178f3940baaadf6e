#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when missing (CI runs as root).
set -euo pipefail
# A Chinese font too, or pages and screenshots show boxes instead of characters.
if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q .; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium or a Chinese font is missing and this user cannot install them: run 'sudo apt-get install -y chromium fonts-wqy-microhei'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
/usr/bin/chromium --version
