#!/usr/bin/env bash
# Installs, from Debian packages, the real servers and tools the integration tests run against
# (bsdutils: util-linux `logger`, the syslog sender of the log-source tests; rsyslog: the real syslog daemon that
# forwards to the syslog receiver in its tests; chromium: the browser the Playwright UI tests drive through
# ExecutablePath, never downloaded by Playwright).
# Idempotent: packages already present are not reinstalled. Needs root (CI runs as root) or sudo.
set -euo pipefail

packages=(prometheus prometheus-pushgateway prometheus-alertmanager postgresql redis-server python3-sklearn bsdutils rsyslog chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "test dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package services must not start (no systemd here, and they would take the default ports): tests start their own.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
$SUDO rm -f /usr/sbin/policy-rc.d
echo "test dependencies: installed"
