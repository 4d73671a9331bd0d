#!/usr/bin/env bash
# Serving never starves (issue 11, P8): readers' latency alone and while residents upload photos.
# With N generated approved stories (default 10,000), READERS connections (200) of wrk read a mix
# of pages (tests/load/readers.lua: the timeline, a search, a theme filter, random story pages,
# the API) for READERS_DURATION (60s): first alone, then while UPLOADERS (10) clients each
# submit a 12 MP phone photo in a loop. The server runs its photo workers at their defaults
# (WORKER_CONCURRENCY = cores − 1, WORKER_NICE = 10). Prints requests/s, p50 and p99 of each
# phase, errors, uploads accepted, photos processed and the server's peak RSS; the target is
# p99 with uploads ÷ p99 alone ≤ 2.0 with no reader error.
#
# Needs DATABASE_URL, a release build (cargo leptos build --release), wrk, curl, bc.
# Usage: tests/load/readers-under-uploads.sh [stories]; BENCH_DB and SERVER_BIN: timeline-lib.sh.
set -euo pipefail
source "$(dirname "$0")/timeline-lib.sh"
stories_wanted=${1:-10000}
readers=${READERS:-200}
duration=${READERS_DURATION:-60s}
uploaders=${UPLOADERS:-10}
photo="$root/tests/fixtures/photos/coffee_4032x3024_rot6_gps.jpg"
cores=$(nproc)

prepare_database "$stories_wanted"
start_app app_url WORKER_CONCURRENCY=$((cores > 1 ? cores - 1 : 1)) SUBMISSIONS_PER_HOUR_PER_IP=1000000
server_pid=${pids[-1]}
export STORY_MIN STORY_MAX SUMMARY_LUA="$root/tests/load/wrk-summary.lua"
STORY_MIN=$(sql "select min(id) from stories where status = 'approved'")
STORY_MAX=$(sql "select max(id) from stories where status = 'approved'")

# readers NAME: one wrk run of the reader mix; sets NAME_rps, NAME_p50, NAME_p99, NAME_errors.
readers() {
  local name=$1 out="$work/readers.$1" key value
  wrk -t2 -c"$readers" -d"$duration" --timeout 10s --latency \
    -s "$root/tests/load/readers.lua" "$app_url" >"$out"
  while read -r key value; do
    case $key in
      requests_per_sec) printf -v "${name}_rps" '%s' "$value" ;;
      p50_ms) printf -v "${name}_p50" '%s' "$value" ;;
      p99_ms) printf -v "${name}_p99" '%s' "$value" ;;
      errors | bad_status) printf -v "${name}_${key}" '%s' "$value" ;;
    esac
  done < <(awk '$1 == "result" {print $2, $3}' "$out")
}

# upload_once: submits one story with the photo; prints the answer's status.
upload_once() {
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 "$app_url/submit" \
      -F "title=上传压力测试 $BASHPID-$RANDOM-$RANDOM" -F "place=江边码头" -F "year_then=2014" -F "year_now=2024" \
      -F "story=十年前码头边还是一排旧仓库，堆满了木箱和渔网，夜里只有几盏昏黄的路灯。如今改成了江边步道和社区图书馆，傍晚散步的人很多。" \
      -F "themes=community" -F "consent_publish=on" -F "licence=cc-by-4.0" \
      -F "photo_then=@$photo;type=image/jpeg" -F "photo_then_alt=江边的旧仓库" || echo 000
}

# upload_loop: uploads until the stop file appears; one line per answer.
upload_loop() {
  while [ ! -e "$work/stop" ]; do upload_once; done
}

# One upload first: a refused one would measure nothing.
first=$(upload_once)
[ "$first" = 303 ] || { echo "a test upload answered $first, not 303" >&2; exit 1; }
for _ in $(seq 1 60); do
  [ "$(sql "select count(*) from photos where state = 'processing'")" -eq 0 ] && break
  sleep 1
done

rss_mb() { awk -v key="$1:" '$1 == key { print int($2 / 1024) }' "/proc/$server_pid/status"; }

warm "$app_url/"
echo "readers alone: $readers connections for $duration …"
readers alone
ready_before=$(sql "select count(*) from photos where state = 'ready'")
echo "readers with $uploaders uploaders …"
for _ in $(seq 1 "$uploaders"); do upload_loop >>"$work/uploads" & done
readers busy
touch "$work/stop"
wait_uploads=0
while [ "$(jobs -rp | wc -l)" -gt 0 ] && [ "$wait_uploads" -lt 150 ]; do sleep 1; wait_uploads=$((wait_uploads + 1)); done
accepted=$(grep -c '^303$' "$work/uploads" || true)
refused=$(grep -vc '^303$' "$work/uploads" || true)
processed=$(( $(sql "select count(*) from photos where state = 'ready'") - ready_before ))
peak=$(rss_mb VmHWM)

echo
printf '%-22s %10s %10s %10s %8s\n' phase "req/s" "p50 ms" "p99 ms" errors
printf '%-22s %10s %10s %10s %8s\n' "readers alone" "$alone_rps" "$alone_p50" "$alone_p99" "$((alone_errors + alone_bad_status))"
printf '%-22s %10s %10s %10s %8s\n' "readers + uploads" "$busy_rps" "$busy_p50" "$busy_p99" "$((busy_errors + busy_bad_status))"
echo "upload answers: $(sort "$work/uploads" | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
echo "uploads accepted: $accepted (other answers: $refused); photos processed during the run: $processed; server peak RSS: ${peak} MB"
p8=$(ratio "$busy_p99" "$alone_p99")
echo "P8: p99 with uploads / p99 alone = $p8 (target ≤ 2.0)"
at_most "$p8" 2.0 || failures+=("P8 $p8 > 2.0")
[ "$((alone_errors + alone_bad_status + busy_errors + busy_bad_status))" -eq 0 ] || failures+=("reader errors")
[ "$accepted" -gt 0 ] || failures+=("no upload accepted")
report_failures
