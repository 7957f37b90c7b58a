#!/bin/sh
# Benchmark: the home page (template render, session-less) and a static file served by the same binary,
# with wrk over loopback. Usage: bench/run.sh [seconds] [connections]. Prints key=value figures.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
data=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
build/tsunagu migrate --data "$data" >/dev/null
build/tsunagu seed --demo --data "$data" >/dev/null
build/tsunagu serve --listen 127.0.0.1:0 --data "$data" --site gunma >"$data/out" 2>"$data/err" &
pid=$!
i=0
while ! grep -q listening "$data/out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$data/err"; exit 1; }; sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$data/out")
echo "bench: $url, $conns connections, ${secs}s each, $(nproc) cores"
for path in / /static/css/site.css; do
	echo "== GET $path (Accept-Encoding: gzip)"
	wrk -t2 -c"$conns" -d"${secs}s" -H 'Accept-Encoding: gzip' -s bench/report.lua "$url$path" | grep -E '^(rps|p50_ms|p99_ms|requests)='
done
