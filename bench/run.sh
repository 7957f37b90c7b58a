#!/bin/sh
# Benchmark of the public pages with wrk over loopback (issue 2; issue 4 item 8): the home page, a job list
# with a keyword and a facet, a job detail page and a static file, all served by the real binary; then the
# three pages again with a distinct query per request, so that the public page cache never answers.
#   bench/run.sh [seconds] [connections]
# With BENCH_JOBS=N, N generated job offers (bench/search/gen.c) are imported first (100,000 for the
# issue-4 figures); otherwise the demo data of `seed --demo`. Prints key=value figures per URL and the
# compressed weight of the list and detail pages (HTML + CSS).
set -eu
cd "$(dirname "$0")/.."
# the seal key lives outside the data directory (SEC06)
export TSUNAGU_SECURITY_SEAL_KEY_FILE="${TSUNAGU_SECURITY_SEAL_KEY_FILE:-$PWD/build/keys/seal.key}"
secs=${1:-10}
conns=${2:-32}
data=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pid" ] && wait $pid 2>/dev/null; rm -rf "$data"' EXIT
build/tsunagu migrate --data "$data" >/dev/null
build/tsunagu seed --demo --data "$data" >/dev/null
if [ -n "${BENCH_JOBS:-}" ]; then
	[ -x build/bench/search-gen ] || { echo "bench: build/bench/search-gen is missing (make bench builds it)" >&2; exit 1; }
	build/bench/search-gen "$BENCH_JOBS" 1 >"$data/jobs.jsonl"
	t0=$(date +%s)
	build/tsunagu import --data "$data" --type job "$data/jobs.jsonl" >/dev/null
	echo "bench: imported $BENCH_JOBS job offers in $(( $(date +%s) - t0 )) s"
	rm -f "$data/jobs.jsonl"
fi
build/tsunagu serve --listen 127.0.0.1:0 --data "$data" --site gunma >"$data/out" 2>"$data/err" &
pid=$!
i=0
while ! grep -q listening "$data/out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$data/err"; exit 1; }; sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$data/out")
list="/jobs?q=%E5%96%B6%E6%A5%AD&area=chumo"    # 営業 + 中毛
# the first search waits for the index; then a job that the list shows
curl -sf -o /dev/null "$url$list"
job=$(curl -sf "$url$list" | grep -o 'href="/jobs/[0-9]*"' | head -n 1 | sed 's/href="//; s/"//')
[ -n "$job" ] || { echo "bench: no job found for $list" >&2; exit 1; }
echo "bench: $url, $conns connections, ${secs}s each, $(nproc) cores"
for path in / "$list" "$job" /static/css/site.css; do
	echo "== GET $path (Accept-Encoding: gzip)"
	wrk -t2 -c"$conns" -d"${secs}s" -H 'Accept-Encoding: gzip' -s bench/report.lua "$url$path" | grep -E '^(rps|p50_ms|p99_ms|requests)='
done
# the same pages rendered every time (each request a distinct URI, so the page cache never answers)
for path in / "$list" "$job"; do
	echo "== GET $path uncached (Accept-Encoding: gzip)"
	wrk -t2 -c"$conns" -d"${secs}s" -H 'Accept-Encoding: gzip' -s bench/uncached.lua "$url$path" | grep -E '^(rps|p50_ms|p99_ms|requests)='
done
css=$(curl -s -H 'Accept-Encoding: gzip' "$url/static/css/site.css" | wc -c)
for path in "$list" "$job"; do
	html=$(curl -s -H 'Accept-Encoding: gzip' "$url$path" | wc -c)
	echo "weight $path: html_gz=$html css_gz=$css total_kb=$(( (html + css + 1023) / 1024 ))"
done
