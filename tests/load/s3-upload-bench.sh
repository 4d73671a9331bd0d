#!/usr/bin/env bash
# P11 (issue 16): uploads into object storage through the app, against putting the same bytes
# straight into the same Garage with the same client (curl), in the same run. Each round puts
# UPLOADS (16) files of MEGABYTES (20) concurrently into the private bucket (baseline), then
# submits UPLOADS stories with one such photo each through the release server with
# MEDIA_STORE=s3 (photo workers off, so only the upload path is measured). Prints each round's
# throughput and ratio, their median, and the server's peak RSS before and after (VmHWM).
# Targets: median ratio app ÷ direct ≥ 0.8; RSS added ≤ 100 MB. Exit status 1 when one is missed.
#
# Runs itself under tests/load/with-garage.sh unless MEDIA_STORE=s3 is set already.
# Needs DATABASE_URL, a release build (cargo leptos build --release), curl ≥ 7.75, bc, node.
# Usage: tests/load/s3-upload-bench.sh [uploads] [megabytes] [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${MEDIA_STORE:-}" != s3 ]; then exec "$root/tests/load/with-garage.sh" "$0" "$@"; fi
target=${CARGO_TARGET_DIR:-$root/target}
uploads=${1:-16}
megabytes=${2:-20}
rounds=${3:-3}
. "$root/tests/lib/scratch-server.sh"
scratch_begin shinian_s3_upload

. "$root/tests/load/upload-lib.sh"
photo="$work/photo.jpg"
padded_photo "$photo" "$megabytes"
cp "$root/tests/fixtures/photos/camera_gray.jpg" "$work/small.jpg"

export DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$work/media" \
  SITE_ROOT="$root/target/site" SUBMISSIONS_PER_HOUR_PER_IP=1000000 WORKER_CONCURRENCY=0 RUST_LOG=warn
scratch_serve "$target/release/server" "$work/server.log"
hwm() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; }
# CPU seconds (user + system) a process has used so far; 0 when there is none.
cpu() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat" || echo 0; }
garage_pid=$(pgrep -x garage | head -1 || true)

put_direct() {
  curl -sS -o /dev/null -w '%{http_code}\n' -T "$photo" \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/$S3_PRIVATE_BUCKET/bench/$1"
}
# concurrently NAME COMMAND: UPLOADS runs of COMMAND i at once; the wall seconds, and every
# status is checked against the one expected.
concurrently() {
  local name=$1 expected=$2 started i
  shift 2
  started=$(date +%s.%N)
  for i in $(seq 1 "$uploads"); do "$@" "$name-$i" >"$work/status.$name.$i" & done
  wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
  echo "$(date +%s.%N) - $started" | bc
  local ok
  ok=$(cat "$work"/status."$name".* | grep -c "^$expected$" || true)
  [ "$ok" -eq "$uploads" ] || { echo "$name: only $ok of $uploads answered $expected" >&2; tail -20 "$work/server.log" >&2; exit 1; }
}
submit_photo() { submit_story "$1" "$photo"; }

put_direct warmup >/dev/null
submit_story warmup "$work/small.jpg" >/dev/null
before=$(hwm)
total_mb=$((uploads * megabytes))
ratios=()
server_cpu=0 garage_direct=0 garage_app=0
for round in $(seq 1 "$rounds"); do
  g0=$(cpu "$garage_pid")
  direct=$(concurrently "direct$round" 200 put_direct)
  g1=$(cpu "$garage_pid") s1=$(cpu "$pid")
  app=$(concurrently "app$round" 303 submit_photo)
  g2=$(cpu "$garage_pid") s2=$(cpu "$pid")
  server_cpu=$(echo "$server_cpu + $s2 - $s1" | bc)
  garage_direct=$(echo "$garage_direct + $g1 - $g0" | bc)
  garage_app=$(echo "$garage_app + $g2 - $g1" | bc)
  ratio=$(echo "scale=3; $direct / $app" | bc)
  ratios+=("$ratio")
  printf 'round %d: direct %.2f s (%.0f MB/s), through the app %.2f s (%.0f MB/s): app ÷ direct %.2f×\n' \
    "$round" "$direct" "$(echo "$total_mb / $direct" | bc -l)" "$app" "$(echo "$total_mb / $app" | bc -l)" "$ratio"
done
after=$(hwm)
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
added=$(((after - before) / 1024))
echo "uploads: $uploads × $megabytes MB concurrently, $rounds rounds; median throughput app ÷ direct: ${median}× (target ≥ 0.8)"
echo "CPU seconds over all rounds: Garage $garage_direct taking the direct PUTs, $garage_app taking the app's; the server $server_cpu ($(nproc) cores)"
echo "server peak RSS before: $((before / 1024)) MB, after: $((after / 1024)) MB, added: $added MB (target ≤ 100 MB)"
met=true
awk -v r="$median" 'BEGIN { exit !(r >= 0.8) }' || { echo "P11 throughput not met" >&2; met=false; }
[ "$added" -le 100 ] || { echo "P11 memory not met" >&2; met=false; }
[ "$met" = true ]
