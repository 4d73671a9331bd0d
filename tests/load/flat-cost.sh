#!/usr/bin/env bash
# Flat cost (issue 11, P7): every public page and API answer costs about the same with LARGE
# approved stories (default 1,000,000) as with SMALL (default 1,000). Two databases of generated
# stories, a release server on each, both started with PAGE_CACHE_MB=0 so that every request is
# queried and rendered (the worst case: a story shared on WeChat is cached after its first
# reader). For each public endpoint, wrk on small, large, small, large; the ratio is the mean p95
# at LARGE ÷ the mean p95 at SMALL:
#   story page /stories/{random id}         target ≤ 1.5 (P7)
#   /, /?q=地铁, /?theme=transport, /?voice=1, /?voice=1&theme=transport, /feed.atom,
#   /api/v1/stories, /api/v1/stories?voice=1, /api/v1/stories/{random id}
#                                           target ≤ 1.5 ("costs about the same")
#   /sitemaps/0.xml (a sitemap part)          cached until a public change even without the page
#                                           cache; shown for information
# and story page requests/s ≥ 0.5 × requests/s of `/` at LARGE (P7). Both databases are read
# into the file cache first (pg_prewarm). Then EXPLAIN (ANALYZE,
# BUFFERS) at LARGE of the related-stories query of a story, and of the "with recording" page
# (alone and with a theme): index walks only, no Seq Scan.
#
# Needs DATABASE_URL, a release build (cargo leptos build --release) and wrk.
# Usage: tests/load/flat-cost.sh [small] [large]. Generating a million stories takes minutes:
# BENCH_DB (large, e.g. shinian_bench_1m) and BENCH_DB_SMALL keep the databases for later runs.
# WRK_THREADS (2), WRK_CONNECTIONS (8 here), WRK_DURATION (10s).
set -euo pipefail
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
source "$(dirname "$0")/timeline-lib.sh"
small_wanted=${1:-1000}
large_wanted=${2:-1000000}
export SUMMARY_LUA="$root/tests/load/wrk-summary.lua"

prepare_database "$small_wanted" "${BENCH_DB_SMALL:-}"
small_db=$db_url small_stories=$stories
start_app small_url PAGE_CACHE_MB=0
prepare_database "$large_wanted" "${BENCH_DB:-}"
large_db=$db_url large_stories=$stories
start_app large_url PAGE_CACHE_MB=0

# prewarm DB: read the public tables and their indexes into the OS's file cache (pg_prewarm,
# mode read), so that the runs do not measure the disk: a million stories are 5.2 GB, and what stays
# in memory otherwise depends on what else the machine read last.
prewarm() {
  psql "$1" -qAtc "create extension if not exists pg_prewarm" -c "
    select sum(pg_prewarm(c.oid, 'read')) from pg_class c
    where c.relname in ('stories', 'story_themes', 'photos', 'recordings')
       or c.oid in (select indexrelid from pg_index i join pg_class t on t.oid = i.indrelid
                    where t.relname in ('stories', 'story_themes', 'photos', 'recordings'))" >/dev/null
}
prewarm "$small_db"
prewarm "$large_db"

# id_range DB: "min max" of the approved stories' ids.
id_range() { psql "$1" -Atc "select min(id) || ' ' || max(id) from stories where status = 'approved'"; }
read -r small_min small_max <<<"$(id_range "$small_db")"
read -r large_min large_max <<<"$(id_range "$large_db")"

# measure NAME SIZE PATH: wrk against the server of SIZE (small or large); PATH ending in "{id}"
# opens a random approved story id per request.
measure() {
  local name=$1 size=$2 path=$3 url min max
  url=${size}_url min=${size}_min max=${size}_max
  if [[ $path == *"{id}" ]]; then
    ID_PREFIX=${path%"{id}"} STORY_MIN=${!min} STORY_MAX=${!max} \
      run_wrk "$name" "${!url}" "$root/tests/load/random-ids.lua"
  else
    run_wrk "$name" "${!url}$path" "$SUMMARY_LUA"
  fi
}

# run_wrk NAME URL SCRIPT: like wrk_measure, with a given script.
run_wrk() {
  local name=$1 url=$2 script=$3 out="$work/wrk.$1" key value
  export ID_PREFIX STORY_MIN STORY_MAX
  wrk -t"$wrk_threads" -c"$wrk_connections" -d"$wrk_duration" --timeout 10s --latency \
    -s "$script" "$url" >"$out"
  while read -r key value; do
    case $key in
      requests_per_sec | p50_ms | p95_ms | p99_ms) printf -v "${name}_${key}" '%s' "$value" ;;
      errors | bad_status)
        [ "$value" -eq 0 ] || failures+=("wrk $url: $value requests with $key")
        ;;
    esac
  done < <(awk '$1 == "result" {print $2, $3}' "$out")
}

# check the paths answer 200 on both servers before measuring
for size in small large; do
  url=${size}_url min=${size}_min
  for path in "/stories/${!min}" / "/?q=%E5%9C%B0%E9%93%81" "/?theme=transport" "/?voice=1" \
    "/?voice=1&theme=transport" /feed.atom /api/v1/stories "/api/v1/stories?voice=1" \
    "/api/v1/stories/${!min}" /sitemaps/0.xml; do
    code=$(curl -sS -o /dev/null -w '%{http_code}' "${!url}$path")
    [ "$code" = 200 ] || failures+=("$size: GET $path answered $code")
  done
done
report_failures

echo "small: $small_stories stories; large: $large_stories stories; wrk -t$wrk_threads -c$wrk_connections -d$wrk_duration, no page cache"
printf '%-28s %10s %10s %10s %10s %8s\n' endpoint "small rps" "large rps" "small p95" "large p95" ratio
endpoints=(
  "story page|/stories/{id}|target"
  "timeline /|/|target"
  "search /?q=地铁|/?q=%E5%9C%B0%E9%93%81|target"
  "theme filter|/?theme=transport|target"
  "with recording|/?voice=1|target"
  "recording + theme|/?voice=1&theme=transport|target"
  "feed|/feed.atom|target"
  "API list|/api/v1/stories|target"
  "API with recording|/api/v1/stories?voice=1|target"
  "API story|/api/v1/stories/{id}|target"
  "sitemap part 0|/sitemaps/0.xml|info"
)
i=0
for entry in "${endpoints[@]}"; do
  IFS='|' read -r label path target <<<"$entry"
  i=$((i + 1))
  warm_path=${path//\{id\}/$small_min}
  warm "$small_url$warm_path"
  warm "$large_url${path//\{id\}/$large_min}"
  for run in 1 2; do
    measure "s${i}_$run" small "$path"
    measure "l${i}_$run" large "$path"
  done
  v() { local n=$1; echo "${!n}"; }
  s_rps=$(echo "($(v s${i}_1_requests_per_sec) + $(v s${i}_2_requests_per_sec)) / 2" | bc)
  l_rps=$(echo "($(v l${i}_1_requests_per_sec) + $(v l${i}_2_requests_per_sec)) / 2" | bc)
  s_p95=$(echo "scale=2; ($(v s${i}_1_p95_ms) + $(v s${i}_2_p95_ms)) / 2" | bc)
  l_p95=$(echo "scale=2; ($(v l${i}_1_p95_ms) + $(v l${i}_2_p95_ms)) / 2" | bc)
  r=$(ratio "$l_p95" "$s_p95")
  printf '%-28s %10s %10s %10s %10s %7s×%s\n' "$label" "$s_rps" "$l_rps" "$s_p95" "$l_p95" "$r" \
    "$([ "$target" = target ] && echo " (≤ 1.5)" || echo " (info)")"
  if [ "$target" = target ]; then
    at_most "$r" 1.5 || failures+=("$label: p95 large/small ${r}× > 1.5×")
  fi
  printf -v "rps_$i" '%s' "$l_rps"
done
p7b=$(ratio "$rps_1" "$rps_2")
echo
echo "P7: story pages at $large_stories: $rps_1 requests/s ÷ / (cache missed) $rps_2 requests/s = ${p7b}× (target ≥ 0.5×)"
at_most 0.5 "$p7b" || failures+=("story page rps ${p7b}× of / < 0.5×")

# EXPLAIN of the related-stories query (server/src/timeline/store.rs `related`) for a story
# with several themes, at LARGE.
story=$(psql "$large_db" -Atc "select story_id from story_themes where approved group by story_id
                               having count(*) = 3 order by story_id limit 1 offset 1000")
read -r place themes <<<"$(psql "$large_db" -AtF' ' -c "select s.place, array_agg(t.theme)::text
  from stories s join story_themes t on t.story_id = s.id where s.id = $story group by s.place")"
echo
echo "EXPLAIN (ANALYZE, BUFFERS) of the related stories of story $story ($place, $themes), $large_stories stories:"
plan=$(psql "$large_db" -Atc "explain (analyze, buffers)
  with candidates as (
      (select s.id, s.title, s.place, s.year_now, s.year_then
       from stories s
       where s.status = 'approved' and s.place = '$place' and s.id <> $story
       order by s.year_now desc, s.year_then desc, s.id desc
       limit 4)
      union
      (select s.id, s.title, s.place, s.year_now, s.year_then
       from unnest('$themes'::theme[]) as th(theme)
       cross join lateral (
           select t.story_id from story_themes t
           where t.theme = th.theme and t.approved and t.story_id <> $story
           order by t.year_now desc, t.year_then desc, t.story_id desc
           limit 4) as t
       join stories s on s.id = t.story_id and s.status = 'approved'))
  select id, title, place from candidates
  order by (place = '$place') desc, year_now desc, year_then desc, id desc
  limit 4")
echo "$plan"
grep -q 'Seq Scan' <<<"$plan" && failures+=("the related-stories plan has a Seq Scan")

# EXPLAIN of the "with recording" page (server/src/timeline/store.rs `voice_page_rows`, the same
# text with its parameters; the server plans it for the values at hand, as EXECUTE does here),
# first page, alone and with a theme, at LARGE: it walks the partial index stories_timeline_voice.
voice_plan() {
  psql "$large_db" -qAt -c "prepare voice_page(theme, text, int, int, smallint, smallint, bigint, bigint) as
    select s.id, s.title, s.body, s.place,
           case when s.show_name then s.narrator_name end as narrator, s.role,
           s.year_then, s.year_then_approx, s.year_now, s.licence,
           s.featured, s.published_at,
           array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as themes
    from stories s
    where story_is_public(s.status) and s.voice_consent and s.recording_ms is not null
      and (\$1::theme is null or exists (select 1 from story_themes t where t.story_id = s.id and t.theme = \$1))
      and (\$2::text is null or s.place = \$2)
      and (\$3::int is null or s.year_now >= \$3)
      and (\$4::int is null or s.year_then <= \$4)
      and (\$5::smallint is null or (s.year_now, s.year_then, s.id) < (\$5, \$6, \$7))
    order by s.year_now desc, s.year_then desc, s.id desc
    limit \$8" -c "set plan_cache_mode = force_custom_plan" \
    -c "explain (analyze, buffers) execute voice_page($1, null, null, null, null, null, null, 21)"
}
for theme in null "'transport'"; do
  echo
  echo "EXPLAIN (ANALYZE, BUFFERS) of the \"with recording\" page (theme $theme), $large_stories stories:"
  plan=$(voice_plan "$theme")
  echo "$plan"
  grep -q 'Seq Scan' <<<"$plan" && failures+=("the with-recording plan (theme $theme) has a Seq Scan")
  grep -q 'stories_timeline_voice' <<<"$plan" ||
    failures+=("the with-recording plan (theme $theme) does not walk stories_timeline_voice")
done
report_failures
