#!/bin/sh
# Cost of the page-view counter (issue 7 item 6; B03): the same public page, answered from the page cache,
# requested with a browser's User-Agent (every request counted: one mutex and a hash-table add) and with a
# crawler's (filtered before the counter). wrk over loopback against the real binary with the demo data.
#   bench/stats.sh [seconds] [connections]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
data=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pid" ] && wait $pid 2>/dev/null; rm -rf "$data"' EXIT
build/tsunagu migrate --data "$data" >/dev/null
build/tsunagu seed --demo --data "$data" >/dev/null
TSUNAGU_STATS_FLUSH_SECONDS=5 build/tsunagu serve --listen 127.0.0.1:0 --data "$data" --site gunma >"$data/out" 2>"$data/err" &
pid=$!
i=0
while ! grep -q listening "$data/out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$data/err"; exit 1; }; sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$data/out")
company=$(curl -sf "$url/companies" | grep -o 'href="/companies/[0-9]*"' | head -n 1 | sed 's/href="//; s/"//')
[ -n "$company" ] || { echo "bench: no company page found" >&2; exit 1; }
echo "bench: $url$company, $conns connections, ${secs}s each, $(nproc) cores"
for ua in ${BENCH_UA_ORDER:-browser bot browser}; do
	[ "$ua" = browser ] && ua="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	[ "$ua" = bot ] && ua="Mozilla/5.0 (compatible; Googlebot/2.1)"
	echo "== User-Agent: $ua"
	wrk -t2 -c"$conns" -d"${secs}s" -H "User-Agent: $ua" -s bench/report.lua "$url$company" | grep -E '^(requests|rps|p50_ms|p99_ms)='
done
sleep 6
echo "== counted views of $company after the runs (page_views):"
/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COALESCE(SUM(views),0) FROM page_views WHERE path = ?", (sys.argv[2],)).fetchone()[0])' "$data/tsunagu.db" "$company"
