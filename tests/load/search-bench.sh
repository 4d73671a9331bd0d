#!/usr/bin/env bash
# Bounded search at scale (issue 11): 30 searches — frequent, rare, absent and common-pair-miss
# words (every character pair of the word is in many stories, the word itself in none) — against
# N generated approved stories (default 1,000,000), on a release server without the rendered-page
# cache (PAGE_CACHE_MB=0, so every request searches). Each search: SEARCHES sequential requests
# of `/?q=…` (default 11) after one warm-up; prints per search the stories that contain it
# (SQL), whether the page said "add a word" (truncated), the median and the slowest request.
# Targets: every request answers 200 within the bound (SEARCH_TIMEOUT_MS, a 503 is a failure
# here) and the p95 of all requests ≤ 200 ms. Then EXPLAIN (ANALYZE, BUFFERS) of the bounded
# search query for one search of each kind.
#
# Needs DATABASE_URL, a release build (cargo leptos build --release), curl, jq.
# Usage: tests/load/search-bench.sh [stories]; BENCH_DB keeps the database (timeline-lib.sh).
set -euo pipefail
source "$(dirname "$0")/timeline-lib.sh"
stories_wanted=${1:-1000000}
searches=${SEARCHES:-11}

# kind|word — the words come from the generator's phrase lists (server/src/generate.rs). The
# pair-miss words are three characters whose two pairs are each in more than 45 % of generated
# stories while the three together are in none (found with SQL over text_bigrams at 1,000).
set_of_searches=(
  "frequent|地铁" "frequent|以前" "frequent|现在" "frequent|社区" "frequent|孩子"
  "frequent|公交" "frequent|老人" "frequent|街坊"
  "rare|白塔村" "rare|云溪镇" "rare|翠竹巷" "rare|金沙码头" "2.5 %|筒子楼" "2.5 %|文具店"
  "2.5 %|回迁房" "2.5 %|塑胶操场"
  "absent|zz" "absent|火星基地" "absent|恐龙化石" "absent|北极熊" "absent|量子计算机"
  "absent|地铁 zz"
  "pair-miss|很多了" "pair-miss|成了一" "pair-miss|年的人" "pair-miss|几年轻"
  "pair-miss|有一个" "pair-miss|我的时"
  "two words|地铁 社区" "two words|学校 公交"
)

prepare_database "$stories_wanted"
start_app app_url PAGE_CACHE_MB=0
max_candidates=${SEARCH_MAX_CANDIDATES:-1000}

urlencode() { node -e 'console.log(encodeURIComponent(process.argv[1]))' "$1"; }
# matches WORDS: stories containing every word (SQL, no bound; information only).
matches() {
  local cond="" w
  for w in $1; do cond+=" and strpos(lower(title || ' ' || body), '$w') > 0"; done
  sql "set statement_timeout = '120s'; select count(*) from stories
       where status = 'approved' and search_terms @@ bigram_query('$1') $cond" | tail -1
}

echo "$stories approved stories; SEARCH_MAX_CANDIDATES $max_candidates; $searches requests per search"
printf '%-10s %-12s %9s %9s %10s %10s\n' kind search stories truncated "median ms" "max ms"
: >"$work/all-times"
for entry in "${set_of_searches[@]}"; do
  kind=${entry%%|*} word=${entry#*|}
  q=$(urlencode "$word")
  curl -sS -o /dev/null "$app_url/?q=$q"
  : >"$work/times"
  for _ in $(seq 1 "$searches"); do
    read -r code t < <(curl -sS -o "$work/page" -w '%{http_code} %{time_total}\n' "$app_url/?q=$q")
    [ "$code" = 200 ] || failures+=("GET /?q=$word answered $code")
    echo "$t" >>"$work/times"
  done
  sort -n "$work/times" -o "$work/times"
  cat "$work/times" >>"$work/all-times"
  median=$(awk '{t[NR] = $1} END {printf "%.1f", t[int((NR + 1) / 2)] * 1000}' "$work/times")
  slowest=$(awk '{t[NR] = $1} END {printf "%.1f", t[NR] * 1000}' "$work/times")
  truncated=$(curl -sS "$app_url/api/v1/stories?q=$q" | jq -r ".truncated // false")
  printf '%-10s %-12s %9s %9s %10s %10s\n' "$kind" "$word" "$(matches "$word")" "$truncated" "$median" "$slowest"
done
sort -n "$work/all-times" -o "$work/all-times"
p95=$(awk '{t[NR] = $1} END {i = int(NR * 0.95 + 0.999); printf "%.1f", t[i] * 1000}' "$work/all-times")
worst=$(awk '{t[NR] = $1} END {printf "%.1f", t[NR] * 1000}' "$work/all-times")
echo
echo "all $(wc -l <"$work/all-times") requests: p95 $p95 ms, slowest $worst ms (target p95 ≤ 200 ms)"
at_most "$p95" 200 || failures+=("search p95 $p95 ms > 200 ms")

# explain WORD: the plans of a search's two phases (server/src/timeline/store.rs
# `walked_search_rows`, then `search_rows` when the walk found less than a page; first page, no
# filters) with literals.
explain() {
  local words="" w
  for w in $1; do words+="${words:+,}\"$w\""; done
  echo
  echo "EXPLAIN (ANALYZE, BUFFERS) of the search for $1, phase 1 (the walk of 2,000 stories):"
  sql "set plan_cache_mode = force_custom_plan; explain (analyze, buffers, costs off)
    select c.id from (select w.* from (
                          select s.id, s.title, s.body, s.year_now, s.year_then, s.search_terms
                          from stories s where s.status = 'approved'
                          order by s.year_now desc, s.year_then desc, s.id desc
                          limit 2000) w
                      where w.search_terms @@ bigram_query('$1')
                      order by w.year_now desc, w.year_then desc, w.id desc
                      limit $((max_candidates < 200 ? max_candidates : 200))) c
    where not exists (select 1 from unnest('{$words}'::text[]) w
                      where strpos(lower(c.title || ' ' || c.body), w) = 0)
    order by c.year_now desc, c.year_then desc, c.id desc
    limit 21" | tail -n +2
  echo "phase 2 (the bounded candidates; run only when phase 1 found less than a page):"
  sql "set plan_cache_mode = force_custom_plan; explain (analyze, buffers, costs off)
    select c.id from (select s.id, s.title, s.body, s.year_now, s.year_then
                      from stories s
                      where s.status = 'approved' and s.search_terms @@ bigram_query('$1')
                      order by s.year_now desc, s.year_then desc, s.id desc
                      limit $max_candidates) c
    where not exists (select 1 from unnest('{$words}'::text[]) w
                      where strpos(lower(c.title || ' ' || c.body), w) = 0)
    order by c.year_now desc, c.year_then desc, c.id desc
    limit 21" | tail -n +2
}
explain 地铁
explain 筒子楼
explain 白塔村
explain 火星基地
explain 很多了
report_failures
