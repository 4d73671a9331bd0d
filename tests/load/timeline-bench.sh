#!/usr/bin/env bash
# Throughput of the public timeline `/` against a static baseline (issue 5, "speed"): with N
# generated approved stories (default 10,000), wrk on the release server's `/`, and on a tiny
# in-memory server (server/benches/static_page.rs) answering the identical bytes with the same
# Content-Type. Runs baseline, app, baseline; the target is app ≥ 0.5 × the mean baseline.
# The app keeps rendered pages in memory until a public story changes (allowed by the issue),
# so a last run, outside the ratio, measures `/` on a second server started without that cache
# (PAGE_CACHE_MB=0).
#
# Needs DATABASE_URL (a server where a database may be created), a release build
# (cargo leptos build --release) and wrk. Usage: tests/load/timeline-bench.sh [stories]
# WRK_THREADS (2), WRK_CONNECTIONS (32), WRK_DURATION (10s); BENCH_DB and SERVER_BIN: see
# timeline-lib.sh; STATIC_PAGE_BIN skips building the baseline.
set -euo pipefail
source "$(dirname "$0")/timeline-lib.sh"
stories_wanted=${1:-10000}

# The baseline binary: the newest one built, unless older than its source; else built with
# cargo, its path taken from cargo's JSON messages. (Building it builds the server package in
# plain cargo's release configuration, which is slow after a `cargo leptos build`; build it once
# with `cargo build --release -p server --bench static_page`.)
static_page=${STATIC_PAGE_BIN:-}
if [ -z "$static_page" ]; then
  static_page=$(find "$target/release/deps" -maxdepth 1 -type f -executable -name 'static_page-*' \
    -newer "$root/server/benches/static_page.rs" -printf '%T@ %p\n' 2>/dev/null |
    sort -rn | head -1 | cut -d' ' -f2-)
fi
if [ -z "$static_page" ]; then
  echo "building the baseline (cargo build --release -p server --bench static_page) …"
  # Queries are checked against the committed .sqlx data, as ./dev.sh builds (no database needed).
  static_page=$(cd "$root" && SQLX_OFFLINE=true cargo build --release -p server --bench static_page \
    --message-format=json 2>"$work/build.log" |
    jq -r 'select(.reason == "compiler-artifact" and .target.name == "static_page") | .executable // empty' |
    tail -1) || true
  [ -n "$static_page" ] || { echo "cannot build the static_page bench:" >&2; tail -20 "$work/build.log" >&2; exit 1; }
fi
echo "baseline: $static_page"

prepare_database "$stories_wanted"
start_app
start_uncached_app

# The page, once, and its Content-Type.
code=$(curl -sS -o "$work/page.html" -D "$work/page.headers" -w '%{http_code}' "$app_url/")
[ "$code" = 200 ] || { echo "GET / answered $code" >&2; exit 1; }
content_type=$(awk 'tolower($1) == "content-type:" {sub(/^[^:]*: */, ""); sub(/\r$/, ""); print}' "$work/page.headers")
links=$(grep -o 'href="/stories/[0-9]*"' "$work/page.html" | sort -u | wc -l || true)
echo "GET / → $(wc -c <"$work/page.html") bytes, $content_type, links to $links stories"

port=$(free_port)
"$static_page" "$work/page.html" "127.0.0.1:$port" "$content_type" >"$work/static.log" 2>&1 &
pids+=($!)
static_url="http://127.0.0.1:$port/"
wait_for "$static_url"
curl -sS "$static_url" | cmp -s - "$work/page.html" || { echo "the baseline does not serve the same bytes" >&2; exit 1; }

echo "wrk -t$wrk_threads -c$wrk_connections -d$wrk_duration: baseline, app, baseline"
warm "$static_url"
warm "$app_url/"
wrk_measure base1 "$static_url"
wrk_measure app "$app_url/"
wrk_measure base2 "$static_url"
# For information, outside the ratio: `/` from the server without a page cache, i.e. the
# database query and the rendering of every request.
warm "$uncached_url/"
wrk_measure miss "$uncached_url/"
base_rps=$(echo "scale=1; ($base1_rps + $base2_rps) / 2" | bc)
app_ratio=$(ratio "$app_rps" "$base_rps")

echo
printf '%-26s %12s %9s %9s\n' "server" "requests/s" "p50 ms" "p99 ms"
printf '%-26s %12s %9s %9s\n' "baseline (in-memory) #1" "$base1_rps" "$base1_p50" "$base1_p99"
printf '%-26s %12s %9s %9s\n' "app GET /" "$app_rps" "$app_p50" "$app_p99"
printf '%-26s %12s %9s %9s\n' "baseline (in-memory) #2" "$base2_rps" "$base2_p50" "$base2_p99"
printf '%-26s %12s %9s %9s\n' "app GET / uncached" "$miss_rps" "$miss_p50" "$miss_p99"
echo "stories: $stories; app / mean baseline ($base_rps/s) = ${app_ratio}× (target ≥ 0.5×)"
at_most 0.5 "$app_ratio" || failures+=("throughput ratio ${app_ratio}× < 0.5×")
report_failures
