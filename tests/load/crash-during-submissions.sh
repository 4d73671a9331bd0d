#!/usr/bin/env bash
# Crash during submissions (issue 11): nothing acknowledged is lost, nothing is half-written,
# and the server recovers from a database restart by itself.
#
# On a private PostgreSQL cluster (a temporary folder, a free port; never the machine's shared
# one), CLIENTS (8) browsers without JavaScript submit STORIES stories (default 2,000; every
# other one with a photo) through the plain form (tests/load/crash-clients.mjs). When a quarter
# have ended the server is killed with SIGKILL and started again; when 60 % have ended
# PostgreSQL is stopped with `pg_ctl stop -m immediate` and, OUTAGE_SECS (3) later, started
# again — the server is not restarted. Clients resend the same form (same idempotency key and
# cookie) while the site is down. Afterwards:
#
# - every story acknowledged with 303 opens through its tracking link with its own title;
# - no story is half-written: each has its themes, a consent of every kind, contributor row, revision,
#   audit entry and tracking token; one marked "with photo" has its photo row and job, the
#   others none; no title was stored twice (a resend after a lost answer stores nothing);
# - every photo row's original is in MEDIA_DIR/originals, and every original there belongs to a
#   row, except uploads the outages cut between the file's rename and the commit's answer (at
#   most one per client and outage, none written after the last; the hourly sweep removes them);
# - after the database restart, /readyz answers 200 and a new submission with a photo is
#   acknowledged, photos are processed again and the page cache is invalidated again, by the
#   same server process.
#
# Prints a summary and exits non-zero on any violation. Cleans everything up on exit.
# Needs a release build (cargo leptos build --release), the PostgreSQL server binaries, psql,
# node and curl. Usage: tests/load/crash-during-submissions.sh [stories]
# Environment: SERVER_BIN (default $CARGO_TARGET_DIR/release/server), CLIENTS, OUTAGE_SECS.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
server_bin=${SERVER_BIN:-$target/release/server}
stories_wanted=${1:-2000}
clients=${CLIENTS:-8}
outage_secs=${OUTAGE_SECS:-3}
photo="$root/tests/fixtures/photos/camera_gray.jpg"
clients_js="$root/tests/load/crash-clients.mjs"
failures=()
server_pid=""
clients_pid=""

[ -x "$server_bin" ] || { echo "no release server at $server_bin (cargo leptos build --release)" >&2; exit 1; }
for tool in psql node curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

# The PostgreSQL server binaries, and the user they run as: PostgreSQL refuses root (as ./dev.sh).
pg_bin=""
for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { pg_bin=$dir; break; }
done
if [ -z "$pg_bin" ] && command -v pg_config >/dev/null; then pg_bin=$(pg_config --bindir); fi
[ -x "$pg_bin/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install -y postgresql)" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
  pg_user=$(id -un)
elif id postgres >/dev/null 2>&1; then
  pg_user=postgres
else
  useradd --system --no-create-home --shell /usr/sbin/nologin shinian-pg 2>/dev/null || true
  pg_user=shinian-pg
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/shinian-crash.XXXXXX")
chmod 755 "$work"
pg_dir="$work/pg"
pg_log="$work/pg.log"
server_log="$work/server.log"
results="$work/results.jsonl"
media="$work/media"

cleanup() {
  [ -z "$clients_pid" ] || kill "$clients_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || kill -9 "$server_pid" 2>/dev/null || true
  if [ -f "$pg_dir/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

. "$root/tests/lib/scratch-server.sh" # free_port
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%6s s] %s\n' "$(elapsed "$started")" "$*"; }

pg_port=$(free_port)
db_url="postgres://shinian@127.0.0.1:$pg_port/shinian"
sql() { psql "$db_url" -v ON_ERROR_STOP=1 -qAt "$@"; }

pg_start() {
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir" -l "$pg_log" -w -t 60 \
    -o "-p $pg_port -k $work/socket -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null \
    || { tail -n 20 "$pg_log" >&2; echo "PostgreSQL did not start" >&2; exit 1; }
}

mkdir -p "$pg_dir" "$work/socket"
touch "$pg_log"
[ "$(id -u)" -ne 0 ] || chown "$pg_user" "$pg_dir" "$work/socket" "$pg_log"
chmod 700 "$pg_dir"
as_pg "$pg_bin/initdb" -D "$pg_dir" -U shinian --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
pg_start
psql "postgres://shinian@127.0.0.1:$pg_port/postgres" -qc "create database shinian"
DATABASE_URL="$db_url" RUST_LOG=warn "$server_bin" migrate

app_port=$(free_port)
app_url="http://127.0.0.1:$app_port"
site_root="$target/site"
[ -d "$site_root" ] || site_root="$root/target/site"

# wait_healthy SECONDS: until /readyz answers 200.
wait_healthy() {
  local deadline=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$app_url/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

server_start() {
  env DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$app_port" PUBLIC_URL="$app_url" \
    MEDIA_DIR="$media" SITE_ROOT="$site_root" RUST_LOG=warn NO_COLOR=1 \
    SUBMISSIONS_PER_HOUR_PER_IP=1000000 WORKER_CONCURRENCY=1 \
    "$server_bin" >>"$server_log" 2>&1 &
  server_pid=$!
  wait_healthy 30 || { tail -n 20 "$server_log" >&2; echo "the server did not start" >&2; exit 1; }
}

ended() { [ -f "$results" ] && wc -l <"$results" || echo 0; }

# wait_ended COUNT: until COUNT stories have ended, or the clients have.
wait_ended() {
  while [ "$(ended)" -lt "$1" ] && kill -0 "$clients_pid" 2>/dev/null; do sleep 0.05; done
}

started=$(now)
server_start
log "server on $app_url, PostgreSQL on 127.0.0.1:$pg_port; $clients clients submit $stories_wanted stories"
node "$clients_js" submit "$app_url" "$stories_wanted" "$clients" "$photo" "$results" &
clients_pid=$!

wait_ended $((stories_wanted / 4))
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
log "server killed with SIGKILL after $(ended) stories; starting it again"
server_start
log "server answers again"

wait_ended $((stories_wanted * 6 / 10))
pg_stop_time=$(date +%s)
as_pg "$pg_bin/pg_ctl" -D "$pg_dir" -m immediate stop >/dev/null
log "PostgreSQL stopped (immediate) after $(ended) stories; down for $outage_secs s"
sleep "$outage_secs"
pg_start
pg_restart=$(sql -c "select now()")
log "PostgreSQL started again"
kill -0 "$server_pid" 2>/dev/null || failures+=("the server exited while PostgreSQL was down")
if wait_healthy 30; then log "/readyz 200 again, same server process"; else failures+=("/readyz not 200 within 30 s of the database restart"); fi

wait "$clients_pid" || failures+=("the clients failed")
clients_pid=""
log "clients done"

# One more story with a photo, by the server that lived through the database restart.
probe="$work/probe.jsonl"
RETRY_SECS=0 node "$clients_js" submit "$app_url" 1 1 "$photo" "$probe" "恢复检查"
probe_status=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).status)' "$probe")
[ "$probe_status" = 303 ] || failures+=("a submission after the database restart answered $probe_status, not 303")
probe_title=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).title)' "$probe")
# The photo workers lived through it too: photos are made again after the restart.
processed_after=0
for _ in $(seq 1 60); do
  processed_after=$(sql -c "select count(*) from photos where processed_at > '$pg_restart'")
  [ "$processed_after" -eq 0 ] || break
  sleep 1
done
[ "$processed_after" -gt 0 ] || failures+=("no photo was processed within 60 s of the database restart")

# The page cache listens again: a story approved now shows on the cached timeline.
curl -s -o /dev/null "$app_url/" && curl -s -o /dev/null "$app_url/"
sql -c "update stories set status = 'approved', published_at = now() where title = '$probe_title'" >/dev/null
shown=false
for _ in $(seq 1 50); do
  curl -s "$app_url/" | grep -qF "$probe_title" && { shown=true; break; }
  sleep 0.2
done
$shown || failures+=("a story approved after the database restart is not on / within 10 s (page cache not invalidated)")

# Tracking links, through the server.
verify_out="$work/verify.txt"
node "$clients_js" verify "$app_url" "$results" >"$verify_out"
verified=$(awk '$1 == "verified" { print $2 }' "$verify_out")
problems=$(grep -c '^PROBLEM' "$verify_out" || true)
[ "$problems" -eq 0 ] || { grep '^PROBLEM' "$verify_out" | head -20; failures+=("$problems acknowledged stories not reachable with their title"); }

# The database: acknowledged stories, then every story whole.
node -e '
  const fs = require("fs");
  for (const l of fs.readFileSync(process.argv[1], "utf8").trim().split("\n")) {
    const r = JSON.parse(l);
    console.log([r.title, r.photo ? "t" : "f", r.status === 303 ? "t" : "f"].join("\t"));
  }' "$results" >"$work/submitted.tsv"
sql <<SQL >"$work/sql-checks.txt"
create temp table submitted (title text primary key, photo boolean, acknowledged boolean);
\copy submitted from '$work/submitted.tsv'
select 'acknowledged stories not stored', count(*) from submitted u
  where acknowledged and not exists (select 1 from stories s where s.title = u.title);
select 'titles stored more than once', count(*) from (select title from stories group by title having count(*) > 1) d;
select 'stored stories never submitted', count(*) from stories s where not exists (select 1 from submitted u where u.title = s.title)
  and s.title <> '$probe_title';
select 'stories without themes', count(*) from stories s where (select count(*) from story_themes t where t.story_id = s.id) <> 2;
select 'stories without a consent of every kind', count(*) from stories s
  where (select count(distinct kind) from story_consents c where c.story_id = s.id)
        <> (select count(*) from unnest(enum_range(null::consent_kind)));
select 'stories without a contributor row', count(*) from stories s where not exists (select 1 from story_contributors c where c.story_id = s.id);
select 'stories without a revision', count(*) from stories s where not exists (select 1 from story_revisions r where r.story_id = s.id);
select 'stories without an audit entry', count(*) from stories s where not exists (select 1 from story_audit_log a where a.story_id = s.id);
select 'stories without a tracking token', count(*) from stories s where not exists (select 1 from story_tracking_tokens k where k.story_id = s.id);
select 'stories with a photo without its photo row', count(*) from stories s
  where s.title like '%有照片' and (select count(*) from photos p where p.story_id = s.id) <> 1;
select 'stories without a photo with a photo row', count(*) from stories s
  where s.title like '%无照片' and exists (select 1 from photos p where p.story_id = s.id);
select 'photos neither ready nor queued', count(*) from photos p
  where p.state <> 'ready' and not exists (select 1 from photo_jobs j where j.photo_id = p.id);
SQL
while IFS='|' read -r check count; do
  [ "$count" -eq 0 ] || failures+=("$check: $count")
done <"$work/sql-checks.txt"

# Photo rows and original files.
sql -c "select original_key from photos" | sort >"$work/rows"
find "$media/originals" -maxdepth 1 -type f -printf '%f\n' | sort >"$work/files"
missing_files=$(comm -23 "$work/rows" "$work/files" | wc -l)
[ "$missing_files" -eq 0 ] || failures+=("photo rows whose original file is missing: $missing_files")
# Uploads cut by the SIGKILL between the file's rename and the commit, and those whose COMMIT
# got no answer when PostgreSQL stopped (kept, since the row may be durable), have no row: at
# most one per client for each event, and none written after the last one.
orphans=0
late_orphans=0
for key in $(comm -13 "$work/rows" "$work/files"); do
  orphans=$((orphans + 1))
  [ "$(stat -c %Y "$media/originals/$key")" -le "$pg_stop_time" ] || late_orphans=$((late_orphans + 1))
done
[ "$late_orphans" -eq 0 ] || failures+=("original files without a row, written after the last outage: $late_orphans")
[ "$orphans" -le $((2 * clients)) ] || failures+=("original files without a row: $orphans, more than the $((2 * clients)) uploads the outages can cut")
leftover_tmp=$(find "$media/tmp" -type f | wc -l)

total=$(wc -l <"$results")
acknowledged=$(grep -c '"status":303' "$results" || true)
stored=$(sql -c "select count(*) from stories where title <> '$probe_title'")
photos=$(sql -c "select count(*) from photos")
photo_states=$(sql -c "select string_agg(state || ' ' || n, ', ') from (select state::text, count(*) n from photos group by 1 order by 1) s")
resent=$(node -e '
  const rs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  console.log(rs.filter((r) => r.status === 303 && r.tries > 1).length);' "$results")
# count_answers FIELD: "answer×count, …" over the records' FIELD (final: status or error;
# seen: every answer of every try).
count_answers() {
  node -e '
    const rs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const n = {};
    for (const r of rs) {
      const answers = process.argv[2] === "seen" ? r.seen : [r.status ? String(r.status) : r.error];
      for (const a of answers) n[a] = (n[a] || 0) + 1;
    }
    console.log(Object.entries(n).map(([k, v]) => `${k}×${v}`).join(", "));' "$results" "$1"
}
outcomes=$(count_answers final)
answers=$(count_answers seen)
internal_errors=$(node -e '
  const rs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  console.log(rs.reduce((n, r) => n + r.seen.filter((a) => a === "500").length, 0));' "$results")
[ "$internal_errors" -eq 0 ] || failures+=("500 answers during the outages: $internal_errors (expected 503 or no answer)")
server_errors=$(grep -c 'ERROR' "$server_log" || true)

echo
echo "stories submitted: $total (outcomes: $outcomes)"
echo "every answer of every try: $answers"
echo "acknowledged with 303: $acknowledged ($resent of them after resending the form)"
echo "verified through their tracking link: ${verified:-0}"
echo "stories stored: $stored (acknowledged or not); photo rows: $photos ($photo_states)"
echo "original files without a row (cut by the outages, swept after an hour): $orphans; uploads left in tmp/: $leftover_tmp"
echo "server errors logged: $server_errors; took $(elapsed "$started") s"
echo "SQL checks:"; sed 's/^/  /; s/|/: /' "$work/sql-checks.txt"
if [ "${#failures[@]}" -gt 0 ]; then
  echo
  printf 'VIOLATION: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "no violation"
