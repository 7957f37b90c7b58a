#!/bin/sh
# Runs each libFuzzer harness for a bounded time on its seed corpus (fuzz/corpus/NAME), stopping at the first crash.
set -u
secs=$1; shift
for f in "$@"; do
	name=$(basename "$f")
	seeds="fuzz/corpus/$name"
	work=$(mktemp -d)
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null
	echo "fuzz: $name for ${secs}s"
	if ! "$f" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	     -artifact_prefix="build/fuzz/$name-" -print_final_stats=0 "$work" >"build/fuzz/$name.log" 2>&1; then
		tail -n 40 "build/fuzz/$name.log"
		rm -rf "$work"
		echo "fuzz: $name FAILED (see build/fuzz/$name.log)" >&2
		exit 1
	fi
	grep -E '^#[0-9]+.*DONE' "build/fuzz/$name.log" | tail -n 1
	rm -rf "$work"
done
