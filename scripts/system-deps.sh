#!/usr/bin/env bash
# What the tests need from the system, installed from Debian's packages when
# missing: PostgreSQL server binaries (the archive tests start a throwaway
# cluster), tmux (the terminal chat is tested in a real terminal) and Chromium
# (the web pages are tested in a real browser), and for the tests across
# network namespaces (NAT and relays, test/reach) iproute2 and nftables.
# Runs before `npm test`; as
# root with apt-get it installs what is missing, otherwise it says what to install.
set -euo pipefail
missing=()
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if [ -z "${STOA_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ] && [ ! -x /usr/bin/chromium-browser ]; then missing+=(chromium); fi
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
# By path, as harness/netns.ts looks: under npm, `nft` on the PATH is
# node_modules/.bin/nft (@vercel/nft, a file tracer), which hid a missing nftables.
nft=''
for dir in /usr/sbin /usr/bin /sbin /bin; do [ -x "$dir/nft" ] && nft="$dir/nft"; done
[ -n "$nft" ] || missing+=(nftables)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "the tests need these system packages: ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
