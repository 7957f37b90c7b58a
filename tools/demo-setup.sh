#!/bin/sh
# Migrates the database in DATA (default ./var) and loads the demo data; safe to run again.
set -eu
# the seal key lives outside the data directory (SEC06); build/keys/ for a demo
export TSUNAGU_SECURITY_SEAL_KEY_FILE="${TSUNAGU_SECURITY_SEAL_KEY_FILE:-$PWD/build/keys/seal.key}"
cd "$(dirname "$0")/.."
data=${1:-var}
build/tsunagu migrate --data "$data"
build/tsunagu seed --demo --data "$data"
echo "demo: open http://127.0.0.1:8080 (demo accounts and their password are in README.md)"
