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
. "$root/tests/lib/scratch-server.sh"
scratch_begin shinian_sign_in
export DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$work/media" \
  TRUST_PROXY=true WORKER_CONCURRENCY=0 RUST_LOG=warn SITE_ROOT="$root/target/site"
"$server_bin" migrate
ADMIN_PASSWORD="sign-in memory admin passphrase" "$server_bin" create-admin --email admin@example.org >/dev/null
scratch_serve "$server_bin"

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
