#!/bin/sh
# Staff search benchmark (issue 7 item 9): the back-office lists on 100,000 job offers and 50,000 job seekers,
# measured with wrk through the real server, signed in as staff; then a full CSV export of the offers with
# the server's peak memory (VmHWM) before and after, to show that the export streams.
#   bench/staff.sh [seconds] [connections]          (defaults: 10 s, 2 connections)
# Knobs: BENCH_JOBS (100000), BENCH_SEEKERS (50000), BENCH_DATA=DIR (keep and reuse a data directory: the
# offers and seekers are generated only when it holds no database yet). Needs `make bench-staff` (or
# `make all build/bench/search-gen build/bench/seeker-gen`) and wrk. Prints key=value figures per URL.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-2}
jobs=${BENCH_JOBS:-100000}
seekers=${BENCH_SEEKERS:-50000}
for b in build/tsunagu build/bench/search-gen build/bench/seeker-gen; do
	[ -x "$b" ] || { echo "bench: $b is missing (make bench-staff builds it)" >&2; exit 1; }
done
tmp=$(mktemp -d)
data=${BENCH_DATA:-$tmp/data}
# the seal key lives outside the data directory (SEC06); a reused data directory keeps its key beside it
export TSUNAGU_SECURITY_SEAL_KEY_FILE="${TSUNAGU_SECURITY_SEAL_KEY_FILE:-$(dirname "$data")/bench-seal.key}"
export TSUNAGU_LOGIN_REQUIRE_2FA_ROLES=''
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$pid" ] && wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
if [ ! -s "$data/tsunagu.db" ]; then
	mkdir -p "$data"
	build/tsunagu migrate --data "$data" >/dev/null
	build/tsunagu seed --demo --data "$data" >/dev/null
	build/bench/search-gen "$jobs" 1 >"$tmp/jobs.jsonl"
	t0=$(date +%s)
	build/tsunagu import --data "$data" --type job "$tmp/jobs.jsonl" >/dev/null
	echo "bench: imported $jobs job offers in $(( $(date +%s) - t0 )) s"
	rm -f "$tmp/jobs.jsonl"
	build/bench/seeker-gen --data "$data" --key "$TSUNAGU_SECURITY_SEAL_KEY_FILE" "$seekers"
fi
build/tsunagu serve --listen 127.0.0.1:0 --data "$data" --site gunma >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q listening "$tmp/out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 300 ] && { cat "$tmp/err"; exit 1; }; sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$tmp/out")
hwm() { sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$pid/status"; }
# sign in as demo-pref (the pre-login cookie and the form's CSRF token, then the session cookie)
jar=$tmp/jar
csrf=$(curl -sf -c "$jar" -b "$jar" "$url/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || { echo "bench: no csrf_token on /login" >&2; exit 1; }
curl -sf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$csrf" --data-urlencode 'login=demo-pref' \
	--data-urlencode 'password=Tsunagu-Demo-2026' "$url/login"
cookie=$(awk -F '\t' 'NF >= 7 && $6 ~ /sid$/ { printf "%s=%s", $6, $7 }' "$jar")
[ -n "$cookie" ] || { echo "bench: login as demo-pref failed" >&2; exit 1; }
# the server builds the search index at start-up in the background (about 30 s at 100,000 offers); the first
# keyword search waits for it, and the first phone search reads every offer's phone fields into memory.
# Both are timed here once, and the lists are measured after them, with nothing running in the background.
for path in "/staff/jobs?q=%E5%96%B6%E6%A5%AD" "/staff/jobs?phone=0271" "/staff/companies?phone=0271"; do
	echo "first $path: $(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$url$path") s"
done
echo "bench: $url, $conns connections, ${secs}s each, $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "bench: $jobs job offers, $seekers seekers (+ demo data); server RSS $(rss), peak $(hwm)"
# 営業 / スタッフ / サンライズ / 高橋 / 事務 percent-encoded
for path in /staff/jobs "/staff/jobs?q=%E5%96%B6%E6%A5%AD" "/staff/jobs?name=%E3%82%B9%E3%82%BF%E3%83%83%E3%83%95" \
	"/staff/jobs?phone=027" "/staff/jobs?phone=0271" "/staff/jobs?industry=E&status=published" "/staff/jobs?region=chumo" "/staff/jobs?page=50" \
	"/staff/jobs?sort=name" "/staff/jobs?sort=name&page=50" "/staff/jobs?company=%E3%82%B5%E3%83%B3%E3%83%A9%E3%82%A4%E3%82%BA" \
	"/staff/jobs?q=%E5%96%B6%E6%A5%AD&region=chumo&status=published&sort=name" \
	"/staff/companies?phone=0271" /staff/seekers "/staff/seekers?name=%E9%AB%98%E6%A9%8B" \
	"/staff/seekers?keyword=%E4%BA%8B%E5%8B%99" "/staff/seekers?target=shinsotsu"; do
	# the first request waits for the search index and must be the page itself (200), not the login form
	code=$(curl -s -o "$tmp/page" -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$url$path")
	case $code in 200*) ;; *) echo "bench: GET $path answered $code" >&2; exit 1 ;; esac
	grep -q 'name="password"' "$tmp/page" && { echo "bench: GET $path shows the login form" >&2; exit 1; }
	echo "== GET $path (first: $(echo "$code" | cut -d ' ' -f 2) s, $(wc -c <"$tmp/page") bytes)"
	wrk -t1 -c"$conns" -d"${secs}s" --timeout 60s --latency -H "Cookie: $cookie" -s bench/report.lua "$url$path" |
		grep -E '^(rps|p50_ms|p99_ms|requests)='
done
# the full CSV export: bytes, time, and the server's peak RSS before and after (streamed: the peak does not
# grow by the size of the file)
for path in /staff/export/job.csv "/staff/jobs?format=csv"; do
	before=$(hwm)
	rss_before=$(rss)
	rc=0
	out=$(curl -s --max-time 900 -o "$tmp/csv" -w '%{http_code} %{size_download} %{time_total}' -H "Cookie: $cookie" \
		"$url$path") || rc=$?
	[ $rc -eq 0 ] || echo "curl_exit=$rc (server alive: $(kill -0 $pid 2>/dev/null && echo yes || echo no))"
	rows=$(wc -l <"$tmp/csv")
	rm -f "$tmp/csv"
	echo "== GET $path"
	echo "$out" | awk '{ printf "status=%s\nbytes=%s\nseconds=%s\n", $1, $2, $3 }'
	echo "lines=$rows"
	echo "vmhwm_before=$before"
	echo "vmrss_before=$rss_before"
	echo "vmhwm_after=$(hwm)"
	echo "vmrss_after=$(rss)"
done
echo "bench: load average after $(cut -d ' ' -f 1-3 /proc/loadavg)"
