#!/usr/bin/env bash
# Installs the Debian packages upravdom needs. Idempotent and quick when all are present.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the test suites need (PostgreSQL, Chromium, peers)
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost-dev nlohmann-json3-dev libsoci-dev libsqlite3-dev libpq-dev sqlite3
  libspdlog-dev libfmt-dev libsodium-dev libphonenumber-dev libprotobuf-dev libicu-dev
  libxlsxwriter-dev liborcus-dev libixion-dev libexpat1-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm
)
TEST_PKGS=(
  postgresql postgresql-contrib chromium wrk
  python3-pytest python3-requests python3-yaml python3-aiosmtpd python3-pyftpdlib
)

want=("${BUILD_PKGS[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # node/npm may come from outside Debian on some machines; keep what is there
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ${missing[@]} >/dev/null
fi
