#!/bin/sh
# Search benchmark (issue 3 item 7): generates N job offers and runs the search benchmark on them in a
# fresh temporary data directory. Builds nothing itself; `make bench-search` builds and calls it.
#
#   bench/search/run.sh [N] [search-bench options, e.g. --build-only]
#
# N defaults to $BENCH_N, else 100000. BENCH_SEED (default 1) picks the generated data; BENCH_REPS,
# BENCH_MIN_REPS and BENCH_QUERY_BUDGET_S are read by search-bench. The last lines are key=value figures.
set -eu
cd "$(dirname "$0")/../.."
n=${BENCH_N:-100000}
case ${1:-} in
[0-9]*) n=$1; shift ;;
esac
seed=${BENCH_SEED:-1}
for b in build/bench/search-gen build/bench/search-bench; do
	[ -x "$b" ] || { echo "bench-search: $b is missing (run make bench-search)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/search-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
echo "bench-search: $n offers (seed $seed), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
t0=$(date +%s%N)
build/bench/search-gen "$n" "$seed" >"$tmp/jobs.jsonl"
t1=$(date +%s%N)
echo "generated: $(wc -c <"$tmp/jobs.jsonl" | tr -d ' ') bytes in $(( (t1 - t0) / 1000000 )) ms"
build/bench/search-bench --root . --data "$tmp/data" "$@" "$tmp/jobs.jsonl"
