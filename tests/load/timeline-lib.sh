# Shared by the public timeline benchmarks (timeline-bench.sh, timeline-deep.sh): a database of
# generated stories and the release server on it. Sourced after `set -euo pipefail`.
#
# Environment: DATABASE_URL (required: a server where a database may be created), BENCH_DB (a
# database name to create once and reuse across runs; it is kept, and only topped up to the
# number of stories asked for; default a fresh database dropped at exit), SERVER_BIN (default
# $CARGO_TARGET_DIR/release/server, from `cargo leptos build --release`).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
server_bin=${SERVER_BIN:-$target/release/server}
admin_url=${DATABASE_URL:?set DATABASE_URL (a PostgreSQL server where a database may be created)}
work=$(mktemp -d)
pids=()
db_name=""
db_url=""
dbs_to_drop=()
failures=()

cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  for p in "${dbs_to_drop[@]}"; do
    psql "$admin_url" -qc "drop database if exists \"$p\" with (force)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

[ -x "$server_bin" ] || { echo "no release server at $server_bin (cargo leptos build --release)" >&2; exit 1; }
for tool in wrk psql curl node; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done

. "$root/tests/lib/scratch-server.sh" # free_port

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | xargs printf '%.1f'; }
# ratio A B: A / B with three decimals.
ratio() { echo "scale=6; $1 / $2" | bc | xargs printf '%.3f'; }
# at_most VALUE LIMIT: exit status 0 when VALUE <= LIMIT.
at_most() { [ "$(echo "$1 <= $2" | bc)" -eq 1 ]; }

sql() { psql "$db_url" -v ON_ERROR_STOP=1 -Atc "$1"; }

# prepare_database N [NAME]: a migrated database holding at least N approved stories; sets
# db_url. NAME (default $BENCH_DB) is kept for the next run; without one, a fresh database is
# dropped at exit. Several may be prepared in turn (save db_url between them).
prepare_database() {
  local want=$1 keep=${2:-${BENCH_DB:-}} have started
  if [ -n "$keep" ]; then
    db_name=$keep
    if [ -z "$(psql "$admin_url" -Atc "select 1 from pg_database where datname = '$db_name'")" ]; then
      psql "$admin_url" -qc "create database \"$db_name\""
    fi
  else
    db_name="shinian_bench_$(date +%s)_$$_$want"
    psql "$admin_url" -qc "create database \"$db_name\""
    dbs_to_drop+=("$db_name")
  fi
  db_url="${admin_url%/*}/$db_name"
  DATABASE_URL="$db_url" RUST_LOG=warn "$server_bin" migrate
  have=$(sql "select count(*) from stories where status = 'approved'")
  if [ "$have" -lt "$want" ]; then
    echo "generating $((want - have)) stories into $db_name …"
    started=$(now)
    DATABASE_URL="$db_url" RUST_LOG=warn "$server_bin" generate --stories "$((want - have))"
    echo "generated $((want - have)) stories in $(since "$started") s"
  fi
  stories=$(sql "select count(*) from stories where status = 'approved'")
  echo "database $db_name: $stories approved stories"
}

# wait_for URL: until it answers (20 s at most).
wait_for() {
  local _
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$1 did not answer" >&2
  return 1
}

# start_app [VAR [NAME=VALUE …]]: the release server on the database, photo workers off, with
# any extra settings; sets VAR (default app_url) to its address. Several may run at once.
start_app() {
  local var=${1:-app_url} port log
  [ "$#" -eq 0 ] || shift
  port=$(free_port)
  log="$work/server.$port.log"
  env DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$work/media" \
    SITE_ROOT="$root/target/site" WORKER_CONCURRENCY=0 RUST_LOG=warn "$@" \
    "$server_bin" >"$log" 2>&1 &
  pids+=($!)
  printf -v "$var" '%s' "http://127.0.0.1:$port"
  wait_for "http://127.0.0.1:$port/healthz" || { tail -20 "$log" >&2; exit 1; }
}

# start_uncached_app: a second server without a rendered-page cache (PAGE_CACHE_MB=0), so every
# page it serves is queried and rendered afresh; sets uncached_url.
start_uncached_app() {
  start_app uncached_url PAGE_CACHE_MB=0
}

wrk_threads=${WRK_THREADS:-2}
wrk_connections=${WRK_CONNECTIONS:-32}
wrk_duration=${WRK_DURATION:-10s}

# wrk_measure NAME URL: runs wrk and sets NAME_rps, NAME_p50, NAME_p95 and NAME_p99 (ms).
# Requests that fail, time out (10 s) or answer other than 2xx/3xx are added to the failures.
wrk_measure() {
  local name=$1 url=$2 out="$work/wrk.$1.$RANDOM" key value
  wrk -t"$wrk_threads" -c"$wrk_connections" -d"$wrk_duration" --timeout 10s --latency \
    -s "$root/tests/load/wrk-summary.lua" "$url" >"$out"
  while read -r key value; do
    case $key in
      requests_per_sec) printf -v "${name}_rps" '%s' "$value" ;;
      p50_ms) printf -v "${name}_p50" '%s' "$value" ;;
      p95_ms) printf -v "${name}_p95" '%s' "$value" ;;
      p99_ms) printf -v "${name}_p99" '%s' "$value" ;;
      errors | bad_status)
        if [ "$value" -ne 0 ]; then
          echo "warning: wrk $url: $value requests with $key" >&2
          failures+=("wrk $url: $value requests with $key")
        fi
        ;;
    esac
  done < <(awk '$1 == "result" {print $2, $3}' "$out")
}

# warm URL: a short unmeasured run (connections, database caches, allocator).
warm() {
  wrk -t1 -c4 -d2s "$1" >/dev/null
}

# compare LABEL FIRST_URL DEEP_URL TARGET: wrk on first, deep, first, deep; with TARGET
# "target", the ratio of the mean p95s must stay ≤ 1.5. (Cache hits take a fraction of a
# millisecond: their p95 ratio is scheduling noise on a small machine, so it is shown but not
# held to the target.)
compare() {
  local label=$1 first=$2 deep=$3 target=$4 run rps p50 p95 p99 first_p95 deep_p95 r
  echo
  echo "$label — wrk -t$wrk_threads -c$wrk_connections -d$wrk_duration: first, deep, first, deep"
  warm "$first"
  warm "$deep"
  wrk_measure first1 "$first"
  wrk_measure deep1 "$deep"
  wrk_measure first2 "$first"
  wrk_measure deep2 "$deep"
  printf '  %-8s %12s %9s %9s %9s\n' "run" "requests/s" "p50 ms" "p95 ms" "p99 ms"
  for run in first1 deep1 first2 deep2; do
    rps=${run}_rps p50=${run}_p50 p95=${run}_p95 p99=${run}_p99
    printf '  %-8s %12s %9s %9s %9s\n' "$run" "${!rps}" "${!p50}" "${!p95}" "${!p99}"
  done
  first_p95=$(echo "scale=2; ($first1_p95 + $first2_p95) / 2" | bc)
  deep_p95=$(echo "scale=2; ($deep1_p95 + $deep2_p95) / 2" | bc)
  r=$(ratio "$deep_p95" "$first_p95")
  if [ "$target" = target ]; then
    echo "  p95 deep / first = $deep_p95 / $first_p95 ms = ${r}× (target ≤ 1.5×)"
    at_most "$r" 1.5 || failures+=("$label: deep/first p95 ratio ${r}× > 1.5×")
  else
    echo "  p95 deep / first = $deep_p95 / $first_p95 ms = ${r}× (for information)"
  fi
}

# report_failures: non-zero exit, listing every target missed or measurement not possible.
report_failures() {
  if [ "${#failures[@]}" -gt 0 ]; then
    echo
    printf 'NOT MET / NOT MEASURED: %s\n' "${failures[@]}" >&2
    exit 1
  fi
}
