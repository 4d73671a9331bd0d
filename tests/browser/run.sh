#!/usr/bin/env bash
# Runs every tests/browser/*.spec.mjs in headless Chromium against the built site
# (`cargo leptos build --release`), a fresh database and a server on a free port.
#
# Arguments, if any, name the spec files to run (e.g. `tests/browser/run.sh rephoto.spec.mjs`);
# without them every spec runs.
#
# Needs DATABASE_URL: a PostgreSQL server where the tests may create a database (any database
# name in the URL; it is only used to connect). SERVER_BIN defaults to the release binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
server_bin=${SERVER_BIN:-$target/release/server}
admin_url=${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server the tests may create databases on}
[ -x "$server_bin" ] || { echo "no server binary at $server_bin (run: cargo leptos build --release)" >&2; exit 1; }
[ -f "$root/target/site/pkg/shinian.wasm" ] || { echo "no site at target/site (run: cargo leptos build --release)" >&2; exit 1; }

db_name="shinian_browser_$(date +%s)_$$"
db_url="${admin_url%/*}/$db_name"
media=$(mktemp -d)
log="$media/server.log"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
pid=""

cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  psql "$admin_url" -qc "drop database if exists \"$db_name\" with (force)" >/dev/null 2>&1 || true
  rm -rf "$media"
}
trap cleanup EXIT

psql "$admin_url" -qc "create database \"$db_name\""
export DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$media/media" \
  SITE_ROOT="$root/target/site" PUBLIC_URL="http://127.0.0.1:$port" SUBMISSIONS_PER_HOUR_PER_IP=1000 \
  RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
"$server_bin" migrate
# The first admin, made the way an operator does (password from the environment).
export ADMIN_EMAIL="admin@example.org" ADMIN_PASSWORD="browser test admin password"
"$server_bin" create-admin --email "$ADMIN_EMAIL" --name "浏览器管理员" >/dev/null
"$server_bin" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "server exited" >&2; exit 1; }
  sleep 0.2
done

cd "$root/tests/browser"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
specs=("${@##*/}")
[ ${#specs[@]} -gt 0 ] || specs=(./*.spec.mjs)
status=0
BASE_URL="http://127.0.0.1:$port" SERVER_BIN="$server_bin" node --test --test-concurrency=1 "${specs[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "---- server log ----" >&2
  tail -n 80 "$log" >&2
fi
exit "$status"
