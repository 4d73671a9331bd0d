#!/usr/bin/env bash
# Depth and search latency of the public timeline at scale (issue 5, "speed"): with N generated
# approved stories (default 1,000,000):
#  - p95 latency (wrk) of the first page `/` against a page DEPTH stories deep (default
#    100,000), reached through the keyset cursor `/?cursor={year_now}.{year_then}.{id}` of the
#    story just before it in the order (year_now desc, year_then desc, id desc), computed in SQL
#    rather than by following 5,000 "next" links; target p95 ratio ≤ 1.5;
#  - EXPLAIN (ANALYZE, BUFFERS) of the deep page's query: an index scan, no OFFSET;
#  - a two-character Chinese search, `/?q=地铁` and `/api/v1/stories?q=地铁`: median and p95 of
#    SEARCHES sequential requests (default 50); target under 200 ms.
# The site keeps rendered pages in memory until a public story changes, so the HTML pages are
# measured twice: on a server with that cache (cache hits, what most readers get) and on a
# second one started with PAGE_CACHE_MB=0 (every page queried and rendered: the database query
# and the rendering). The search is measured without the cache only; the API is not cached.
#
# Needs DATABASE_URL, a release build (cargo leptos build --release) and wrk. Generating a
# million stories takes minutes: BENCH_DB=name keeps the database for the next run.
# Usage: tests/load/timeline-deep.sh [stories] [depth]
# WRK_THREADS (2), WRK_CONNECTIONS (8 here), WRK_DURATION (10s), SEARCHES (50).
set -euo pipefail
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
source "$(dirname "$0")/timeline-lib.sh"
stories_wanted=${1:-1000000}
depth=${2:-100000}
searches=${SEARCHES:-50}
query=地铁
query_encoded=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$query")

prepare_database "$stories_wanted"
[ "$stories" -gt "$depth" ] || { echo "$stories stories: not $depth deep" >&2; exit 1; }
start_app
start_uncached_app

order="order by year_now desc, year_then desc, id desc"
# The last story before the deep page, and the first one on it.
cursor=$(sql "select year_now || '.' || year_then || '.' || id from stories
              where status = 'approved' $order offset $((depth - 1)) limit 1")
first_deep_id=$(sql "select id from stories where status = 'approved' $order offset $depth limit 1")
IFS=. read -r c_now c_then c_id <<<"$cursor"
echo "cursor $depth stories deep: $cursor (the deep page starts with story $first_deep_id)"

echo
echo "EXPLAIN (ANALYZE, BUFFERS) of the deep page's keyset query:"
plan=$(sql "explain (analyze, buffers)
            select id from stories
            where status = 'approved' and (year_now, year_then, id) < ($c_now, $c_then, $c_id)
            $order limit 21")
echo "$plan"
grep -q 'Index' <<<"$plan" && ! grep -qiE 'Seq Scan|Sort' <<<"$plan" ||
  failures+=("the deep page's plan is not a plain index scan")

# What the app answers for both pages (the cursor route may not exist yet).
first_url="$app_url/"
deep_url="$app_url/?cursor=$cursor"
curl -sS -o "$work/first.html" "$first_url"
deep_code=$(curl -sS -o "$work/deep.html" -w '%{http_code}' "$deep_url")
api_code=$(curl -sS -o "$work/deep.json" -w '%{http_code}' "$app_url/api/v1/stories?cursor=$cursor")
deep_ok=true
if [ "$deep_code" != 200 ]; then
  failures+=("GET /?cursor= answered $deep_code: deep page not measured")
  deep_ok=false
elif cmp -s "$work/first.html" "$work/deep.html"; then
  failures+=("GET /?cursor= answers the first page: the cursor is ignored, deep page not measured")
  deep_ok=false
elif ! grep -q "href=\"/stories/$first_deep_id\"" "$work/deep.html"; then
  echo "warning: the deep page does not link /stories/$first_deep_id (cursor format differs?)" >&2
fi
if [ "$api_code" = 200 ]; then
  api_first=$(jq -r '.stories[0].id' "$work/deep.json")
  echo "GET /api/v1/stories?cursor=$cursor → first id $api_first (expected $first_deep_id)," \
    "$(jq '.stories | length' "$work/deep.json") stories, next_cursor $(jq -r '.next_cursor' "$work/deep.json")"
  [ "$api_first" = "$first_deep_id" ] || failures+=("API cursor page starts at $api_first, not $first_deep_id")
else
  failures+=("GET /api/v1/stories?cursor= answered $api_code")
fi

if $deep_ok; then
  compare "HTML, no page cache (PAGE_CACHE_MB=0)" "$uncached_url/" "$uncached_url/?cursor=$cursor" target
  compare "HTML, page cache hits (the same URL again and again)" "$first_url" "$deep_url" info
fi
if [ "$api_code" = 200 ]; then
  compare "API /api/v1/stories (not cached)" "$app_url/api/v1/stories" "$app_url/api/v1/stories?cursor=$cursor" target
fi

# search NAME PATH: SEARCHES sequential requests to the server without a page cache, after two
# warm-ups; median and p95 in ms.
search() {
  local name=$1 url="$uncached_url$2" code i median p95
  code=$(curl -sS -o "$work/search.$name" -w '%{http_code}' "$url")
  if [ "$code" != 200 ]; then
    failures+=("GET $2 answered $code: search not measured")
    return 0
  fi
  for i in 1 2; do curl -sS -o /dev/null "$url"; done
  for i in $(seq 1 "$searches"); do
    curl -sS -o /dev/null -w '%{time_total}\n' "$url"
  done | sort -n >"$work/times.$name"
  median=$(awk '{t[NR] = $1} END {print t[int((NR + 1) / 2)] * 1000}' "$work/times.$name")
  p95=$(awk '{t[NR] = $1} END {i = int(NR * 0.95 + 0.999); print t[i] * 1000}' "$work/times.$name")
  printf '%-40s median %7.1f ms   p95 %7.1f ms   (%s requests)\n' "GET $2" "$median" "$p95" "$searches"
  at_most "$p95" 200 || failures+=("search $2 p95 $p95 ms ≥ 200 ms")
}
echo
echo "Search for $query (first page):"
search html "/?q=$query_encoded"
search api "/api/v1/stories?q=$query_encoded"
if [ -s "$work/search.api" ] && jq -e . "$work/search.api" >/dev/null 2>&1; then
  echo "API search: $(jq '.stories | length' "$work/search.api") stories on the first page;" \
    "$(sql "select count(*) from stories where status = 'approved' and strpos(title || ' ' || body, '$query') > 0") match in SQL"
fi
report_failures
