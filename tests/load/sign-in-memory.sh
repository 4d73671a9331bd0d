#!/usr/bin/env bash
# Sign-in memory against the release server (docs/performance.md, "Sign-in memory"): 200 wrong
# passwords for a real admin from 200 addresses, 20 at a time; prints RSS before, peak and after.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres tests/load/sign-in-memory.sh
#
# Needs a PostgreSQL server where a database may be created, curl, and the release binary
# (SERVER_BIN, default $CARGO_TARGET_DIR/release/server from `cargo leptos build --release`).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
server_bin=${SERVER_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/server}
admin_url=${DATABASE_URL:?set DATABASE_URL (a PostgreSQL server where a database may be created)}
db="shinian_sign_in_$$"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  psql "$admin_url" -qc "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$admin_url" -qc "create database \"$db\""
export DATABASE_URL="${admin_url%/*}/$db" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$work/media" \
  TRUST_PROXY=true WORKER_CONCURRENCY=0 RUST_LOG=warn SITE_ROOT="$root/target/site"
"$server_bin" migrate
ADMIN_PASSWORD="sign-in memory admin passphrase" "$server_bin" create-admin --email admin@example.org >/dev/null
"$server_bin" & pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

mb() { awk -v key="$1:" '$1 == key { print int($2 / 1024) }' "/proc/$pid/status"; }
before=$(mb VmRSS)
SECONDS=0
for i in $(seq 1 200); do echo "10.9.$((i / 250)).$((i % 250))"; done |
  xargs -P 20 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "X-Forwarded-For: {}" \
    --data-urlencode "email=admin@example.org" --data-urlencode "password=wrong guess {}" \
    "http://127.0.0.1:$port/login" | sort | uniq -c | sed 's/^/answers: /'
peak=$(mb VmHWM)
after=$(mb VmRSS)
echo "RSS before ${before} MB, peak ${peak} MB (+$((peak - before))), after ${after} MB (+$((after - before))), ${SECONDS} s"
[ $((peak - before)) -le 64 ] && [ $((after - before)) -le 64 ] || { echo "over the 64 MB bound" >&2; exit 1; }
