#!/usr/bin/env bash
# Smoke test of README command 1: `./dev.sh run` with no DATABASE_URL and an empty data folder
# must create its private PostgreSQL, migrate, load the demo stories and answer /healthz with
# 200; a second run must reuse everything and start within seconds.
#
# The data folder is a temporary one (SHINIAN_DATA_DIR), so a developer's own ./data is never
# touched; the test stops everything it started and checks that nothing still listens.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/scratch-server.sh" # free_port

# The data folder sits in a private (0700) folder whose name has a space, as a clone under /root
# or a `mktemp -d` folder would: as root, PostgreSQL's own user cannot reach it, and dev.sh must
# keep the cluster where it can (dev.sh `pg_home`).
parent=$(mktemp -d)
data="$parent/数据 folder"
port=$(free_port)
pg_port=$(free_port)
export SHINIAN_DATA_DIR="$data" SHINIAN_PG_PORT=$pg_port BIND_ADDR="127.0.0.1:$port"
unset DATABASE_URL MEDIA_DIR
log=$(mktemp)
pid=""
took=""

# listening PORT: is anything listening on 127.0.0.1:PORT?
listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }

# Stops the server's whole process group (dev.sh runs it with exec, but be sure).
stop_server() {
  if [ -n "$pid" ]; then
    kill -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
cluster_home() { cat "$data/postgres-location" 2>/dev/null || echo "$data"; }
cleanup() {
  stop_server
  local home
  home=$(cluster_home)
  "$root/dev.sh" db-stop || true
  [ "$home" = "$data" ] || rm -rf "$home"
  rm -rf "$parent" "$log"
}
trap cleanup EXIT

# Starts `./dev.sh run` in its own process group and waits for /healthz; sets `took` (seconds).
start_and_wait() {
  local started=$SECONDS
  listening "$port" && { echo "port $port is taken before the start" >&2; return 1; }
  setsid "$root/dev.sh" run >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
      took=$((SECONDS - started))
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$log" >&2
  echo "./dev.sh run did not answer /healthz" >&2
  return 1
}

[ "$(stat -c %a "$parent")" = 700 ] || { echo "$parent is not private" >&2; exit 1; }
start_and_wait
home=$(cluster_home)
[ -f "$home/postgres/PG_VERSION" ] || { echo "no private cluster under $home/postgres" >&2; exit 1; }
# Pages are read into variables first: `curl | grep -q` fails under pipefail when grep stops
# reading before curl has written the whole page.
home_page=$(curl -fsS "http://127.0.0.1:$port/")
grep -q "从轮渡到过江隧道" <<<"$home_page" || { echo "demo stories missing on /" >&2; exit 1; }
# The demo stories' then/now illustrations go through the photo workers: within a minute every
# card on / shows both, and a story page has the comparison slider.
pictures=0
for _ in $(seq 1 120); do
  home_page=$(curl -fsS "http://127.0.0.1:$port/")
  pictures=$(grep -o 'src="/media/[^"]*"' <<<"$home_page" | wc -l)
  [ "$pictures" -ge 10 ] && break
  sleep 0.5
done
[ "$pictures" -ge 10 ] || { echo "demo cards show $pictures pictures on / (want 10: a pair on each of 5)" >&2; exit 1; }
[[ $home_page =~ href=\"(/stories/[0-9]+)\" ]] || { echo "no story link on /" >&2; exit 1; }
story=${BASH_REMATCH[1]}
story_page=$(curl -fsS "http://127.0.0.1:$port$story")
grep -q 'type="range"' <<<"$story_page" || { echo "no comparison slider on $story" >&2; exit 1; }
# In a real browser: every card's pictures load, and each demo story's slider hydrates and moves.
(cd "$root/tests/browser" && BASE_URL="http://127.0.0.1:$port" node --test demo.check.mjs) \
  || { echo "the demo pictures or sliders do not work in Chromium" >&2; exit 1; }
read -r admin_email admin_password <"$data/demo-admin.txt" || { echo "no demo admin in $data/demo-admin.txt" >&2; exit 1; }
login=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/login" \
  --data-urlencode "email=$admin_email" --data-urlencode "password=$admin_password")
[ "$login" = 303 ] || { echo "the demo admin cannot sign in (HTTP $login)" >&2; exit 1; }
echo "first run: /healthz 200 after ${took}s (private PostgreSQL in $home/postgres, data in $data, demo stories with $pictures pictures on /, a slider on $story, pictures and sliders work in Chromium, demo admin signs in)"

stop_server
! listening "$port" || { echo "the first server still listens on $port after it was stopped" >&2; exit 1; }
start_and_wait
echo "second run: /healthz 200 after ${took}s"
[ "$took" -le 30 ] || { echo "second run took ${took}s; it should reuse everything and start in seconds" >&2; exit 1; }
stop_server
"$root/dev.sh" db-stop
for p in "$port" "$pg_port"; do
  ! listening "$p" || { echo "something still listens on $p after the test stopped everything" >&2; exit 1; }
done
echo "stopped: nothing listens on $port (server) or $pg_port (PostgreSQL)"

# Once more with a data folder PostgreSQL's user can reach, under a path with a space: the
# cluster then lives there, and its socket folder (handed to pg_ctl through a shell) has the
# space in it. This broke once for normal users, whose cluster always lives in ./data.
data_private=$data
parent_reachable=$(mktemp -d)
chmod 755 "$parent_reachable"
data="$parent_reachable/shin ian/data"
mkdir -p "$data"
chmod 755 "$parent_reachable/shin ian"
port=$(free_port)
pg_port=$(free_port)
export SHINIAN_DATA_DIR="$data" SHINIAN_PG_PORT=$pg_port BIND_ADDR="127.0.0.1:$port"
[ "$home" = "$data_private" ] || rm -rf "$home"
rm -rf "$parent"
parent=$parent_reachable
start_and_wait
[ ! -f "$data/postgres-location" ] && [ -f "$data/postgres/PG_VERSION" ] \
  || { echo "the cluster did not stay in the reachable data folder $data" >&2; exit 1; }
echo "reachable data folder with a space: /healthz 200 after ${took}s (cluster in $data/postgres)"
stop_server
"$root/dev.sh" db-stop
for p in "$port" "$pg_port"; do
  ! listening "$p" || { echo "something still listens on $p after the test stopped everything" >&2; exit 1; }
done
