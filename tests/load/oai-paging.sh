#!/usr/bin/env bash
# OAI-PMH paging at scale (issue 15, P10): with N generated approved stories (default
# 1,000,000), p95 latency (wrk) of ListRecords page 1 against page DEPTH (default 2,000; 100
# records a page, so the page after record 199,900). The deep page is asked for with the
# resumption token a harvester would hold there, built from the keyset position of its last
# record (computed in SQL rather than by following 1,999 tokens; the script checks the page
# starts where it should). Target: p95 ratio deep / first ≤ 1.5. Also EXPLAIN (ANALYZE,
# BUFFERS) of the deep page's query: one range of the index stories_oai.
#
# Needs DATABASE_URL, a release build (cargo leptos build --release, or SERVER_BIN) and wrk.
# Generating a million stories takes minutes: BENCH_DB=name keeps the database for the next run.
# Usage: tests/load/oai-paging.sh [stories] [depth]
# WRK_THREADS (2), WRK_CONNECTIONS (8 here), WRK_DURATION (10s).
set -euo pipefail
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
source "$(dirname "$0")/timeline-lib.sh"
stories_wanted=${1:-1000000}
depth=${2:-2000}
page=100
before=$(((depth - 1) * page))

prepare_database "$stories_wanted"
[ "$stories" -gt "$before" ] || { echo "$stories stories: no page $depth" >&2; exit 1; }
start_app

order="order by public_changed_at, id"
# The last record before page $depth (microseconds since 1970 and id), and the first on it.
IFS='|' read -r at_micros last_id <<<"$(sql "select (extract(epoch from public_changed_at) * 1000000)::bigint, id
                                              from stories where public_changed_at is not null
                                              $order offset $((before - 1)) limit 1")"
first_deep_id=$(sql "select id from stories where public_changed_at is not null $order offset $before limit 1")
now_micros=$(sql "select (extract(epoch from clock_timestamp()) * 1000000)::bigint")
token_json="{\"v\":1,\"k\":\"r\",\"s\":null,\"f\":0,\"u\":$now_micros,\"a\":[$at_micros,$last_id],\"c\":$before,\"i\":$((now_micros / 1000000))}"
token=$(printf '%s' "$token_json" | base64 -w0 | tr '+/' '-_' | tr -d '=')
echo "page $depth starts after story $last_id (the page's first record: story $first_deep_id)"

echo
echo "EXPLAIN (ANALYZE, BUFFERS) of the deep page's keyset range:"
plan=$(sql "explain (analyze, buffers)
            select id from stories
            where public_changed_at is not null
              and (public_changed_at, id) > (to_timestamp($at_micros / 1000000.0), $last_id)
              and public_changed_at <= clock_timestamp()
            $order limit 101")
echo "$plan"
grep -q 'Index' <<<"$plan" && ! grep -qiE 'Seq Scan|Sort' <<<"$plan" ||
  failures+=("the deep page's plan is not a plain index scan")

first_url="$app_url/oai?verb=ListRecords&metadataPrefix=oai_dc"
deep_url="$app_url/oai?verb=ListRecords&resumptionToken=$token"
curl -sS -o "$work/first.xml" "$first_url"
curl -sS -o "$work/deep.xml" "$deep_url"
deep_first=$(grep -o '<identifier>[^<]*</identifier>' "$work/deep.xml" | head -1 | sed 's/.*story\/\([0-9]*\)<.*/\1/')
records=$(grep -c '<record>' "$work/deep.xml" || true)
cursor=$(grep -o 'cursor="[0-9]*"' "$work/deep.xml" | head -1)
echo "GET page $depth → $records records, first story $deep_first (expected $first_deep_id), $cursor"
[ "$deep_first" = "$first_deep_id" ] || failures+=("page $depth starts at story $deep_first, not $first_deep_id")
[ "$records" -eq "$page" ] || failures+=("page $depth holds $records records, not $page")
grep -q '<error' "$work/first.xml" && failures+=("page 1 answered an error")

compare "ListRecords, page 1 and page $depth" "$first_url" "$deep_url" target
report_failures
echo "All targets met."
