#!/usr/bin/env bash
# Smoke test of README command 1: `./dev.sh run` with no DATABASE_URL and an empty data folder
# must create its private PostgreSQL, migrate, load the demo stories and answer /healthz with
# 200; a second run must reuse everything and start within seconds.
#
# Uses ./data when it does not exist yet (a fresh clone, as in CI); otherwise a temporary
# folder, so a developer's own ./data is never touched.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

if [ -e "$root/data" ]; then
  parent=$(mktemp -d)
  chmod 755 "$parent" # the unprivileged PostgreSQL user must reach it
  data="$parent/data"
else
  parent=""
  data="$root/data"
fi
port=$(free_port)
export SHINIAN_DATA_DIR="$data" SHINIAN_PG_PORT=$(free_port) BIND_ADDR="127.0.0.1:$port"
unset DATABASE_URL MEDIA_DIR
log=$(mktemp)
pid=""

stop_server() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi
}
cleanup() {
  stop_server
  "$root/dev.sh" db-stop || true
  rm -rf "$data" ${parent:+"$parent"} "$log"
}
trap cleanup EXIT

# Starts `./dev.sh run` and waits for /healthz; prints the seconds it took.
start_and_wait() {
  local started=$SECONDS
  "$root/dev.sh" run >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
      echo $((SECONDS - started))
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$log" >&2
  echo "./dev.sh run did not answer /healthz" >&2
  return 1
}

[ ! -e "$data/postgres" ] || { echo "data folder $data is not empty" >&2; exit 1; }
first=$(start_and_wait)
[ -f "$data/postgres/PG_VERSION" ] || { echo "no private cluster under $data/postgres" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/" | grep -q "从轮渡到过江隧道" || { echo "demo stories missing on /" >&2; exit 1; }
read -r admin_email admin_password <"$data/demo-admin.txt" || { echo "no demo admin in $data/demo-admin.txt" >&2; exit 1; }
login=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login" \
  --data-urlencode "email=$admin_email" --data-urlencode "password=$admin_password")
[ "$login" = 303 ] || { echo "the demo admin cannot sign in (HTTP $login)" >&2; exit 1; }
echo "first run: /healthz 200 after ${first}s (private PostgreSQL in $data/postgres, demo content on /, demo admin signs in)"

stop_server
second=$(start_and_wait)
echo "second run: /healthz 200 after ${second}s"
[ "$second" -le 30 ] || { echo "second run took ${second}s; it should reuse everything and start in seconds" >&2; exit 1; }
