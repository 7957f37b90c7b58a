#!/bin/sh
# Migrates the database in DATA (default ./var) and loads the demo data; safe to run again.
set -eu
cd "$(dirname "$0")/.."
data=${1:-var}
build/tsunagu migrate --data "$data"
build/tsunagu seed --demo --data "$data"
echo "demo: open http://127.0.0.1:8080 (demo accounts and their password are in README.md)"
