#!/usr/bin/env bash
# Load test of the upload path: 16 concurrent submissions, each with one 20 MB photo, against
# the release server with photo workers off (WORKER_CONCURRENCY=0, so only the upload path is
# measured; processing memory is bounded separately by the worker count). Prints the server's
# peak RSS (VmHWM) before and after, and the difference, which must stay under 100 MB.
#
# Needs DATABASE_URL (a server where a database may be created) and a release build
# (cargo leptos build --release). Usage: tests/load/upload-memory.sh [uploads] [megabytes]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
uploads=${1:-16}
megabytes=${2:-20}
. "$root/tests/lib/scratch-server.sh"
scratch_begin shinian_load

. "$root/tests/load/upload-lib.sh"
photo="$work/photo.jpg"
padded_photo "$photo" "$megabytes"

export DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$work/media" \
  SITE_ROOT="$root/target/site" SUBMISSIONS_PER_HOUR_PER_IP=100000 WORKER_CONCURRENCY=0 RUST_LOG=warn
scratch_serve "$target/release/server" "$work/server.log"

hwm() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; }
# Warm up: one small submission so every code path is loaded.
cp "$root/tests/fixtures/photos/camera_gray.jpg" "$work/small.jpg"
submit_story warmup "$work/small.jpg" >/dev/null
before=$(hwm)
started=$(date +%s.%N)
for i in $(seq 1 "$uploads"); do submit_story "$i" "$photo" >"$work/status.$i" & done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
after=$(hwm)
ok=$(cat "$work"/status.* | grep -c '^303$' || true)
delta_mb=$(( (after - before) / 1024 ))
echo "uploads: $uploads × ${megabytes} MB concurrently, accepted (303): $ok, wall ${elapsed}s"
echo "server peak RSS before: $((before / 1024)) MB, after: $((after / 1024)) MB, added: ${delta_mb} MB (limit 100 MB)"
[ "$ok" -eq "$uploads" ] || { echo "not every upload was accepted" >&2; tail -20 "$work/server.log" >&2; exit 1; }
[ "$delta_mb" -lt 100 ] || { echo "the upload path added ${delta_mb} MB" >&2; exit 1; }
