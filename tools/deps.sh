#!/bin/sh
# Installs what tsunagu needs on Debian 12 when it is missing: build libraries, test tools, a browser
# for the end-to-end tests, a Japanese font for screenshots and print tests, then the npm packages
# pinned by package-lock.json. Does nothing (and needs no network) when everything is there.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config clang libmicrohttpd-dev libsqlite3-dev libsodium-dev libutf8proc-dev
libjansson-dev libinih-dev libcmark-dev libvips-dev libcurl4-gnutls-dev python3-aiosmtpd libcmocka-dev zlib1g-dev libdeflate-dev nettle-dev libqrencode-dev openssl nodejs npm chromium fonts-ipafont-gothic wrk sqlite3 ca-certificates"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# clang's sanitizer and libFuzzer runtime
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 &&
   ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed"; then
	missing="$missing libclang-rt-14-dev"
fi
# node and npm may come from elsewhere (e.g. a newer Node.js already on the machine)
case "$missing" in *nodejs*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//');; esac
case "$missing" in *npm*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//');; esac

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: run as root (or install these Debian packages yourself):$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
fi
