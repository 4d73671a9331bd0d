#!/usr/bin/env bash
# P10 (issue 15): the full export and the import of N generated stories against PostgreSQL's own
# tools on the same database in the same run — `server export --full --out bag.tar` (a
# serialized bag: one file, as `pg_dump -Fc` writes one) ÷ `pg_dump -Fc`, and `server import`
# ÷ `pg_restore` (into a new empty database each) — with the peak RSS of each. The export into
# a folder (a file per story document) is timed too and reported; import reads that folder.
# Targets: both ratios ≤ 2.0; the export's and the import's peak RSS ≤ 128 MB. Exits non-zero
# when one is missed. Figures: docs/performance.md, "Archive export and import (P10)".
#
# Usage: tests/load/archive-bench.sh [N …]   (default: 1000 1000000)
# Environment: DATABASE_URL (a server where databases may be created), SERVER_BIN (default
# $CARGO_TARGET_DIR/release/server), BENCH_KEEP=1 keeps the generated databases
# (shinian_p10_N) for the next run; WORK (default a temporary folder) holds dumps and bags.
#
# Generated stories carry recordings whose files were never made (server/src/generate.rs); they
# are deleted before measuring, so both sides copy the same, complete collection of text.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
server_bin=${SERVER_BIN:-$target/release/server}
admin_url=${DATABASE_URL:?set DATABASE_URL (a PostgreSQL server where databases may be created)}
[ -x "$server_bin" ] || { echo "no release server at $server_bin" >&2; exit 1; }
for tool in psql pg_dump pg_restore python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(1000 1000000)
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
drop=()
cleanup() {
  for db in "${drop[@]}"; do psql "$admin_url" -qc "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true; done
  [ -n "${WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
url_of() { echo "${admin_url%/*}/$1"; }
fresh_db() { psql "$admin_url" -qc "drop database if exists \"$1\" with (force)" -c "create database \"$1\""; drop+=("$1"); }
measure() { python3 "$root/tests/load/measure.py" "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
failures=()

printf '%-10s %-14s %10s %12s\n' stories step "wall (s)" "peak RSS MB"
for n in "${sizes[@]}"; do
  source_db="shinian_p10_$n"
  if [ -z "$(psql "$admin_url" -Atc "select 1 from pg_database where datname = '$source_db'")" ]; then
    psql "$admin_url" -qc "create database \"$source_db\""
  fi
  [ -n "${BENCH_KEEP:-}" ] || drop+=("$source_db")
  src=$(url_of "$source_db")
  DATABASE_URL="$src" RUST_LOG=warn "$server_bin" migrate
  have=$(psql "$src" -Atc "select count(*) from stories")
  if [ "$have" -lt "$n" ]; then
    DATABASE_URL="$src" RUST_LOG=warn "$server_bin" generate --stories "$((n - have))" >&2
  fi
  psql "$src" -qc "delete from recordings" -c "vacuum analyze"

  rm -rf "$work/$n" && mkdir -p "$work/$n/media"
  read -r dump_s dump_kb < <(measure pg_dump -Fc -f "$work/$n/dump" "$src")
  read -r export_s export_kb < <(DATABASE_URL="$src" MEDIA_DIR="$work/$n/media" RUST_LOG=warn \
    measure "$server_bin" export --full --out "$work/$n/bag.tar")
  tar_bytes=$(stat -c %s "$work/$n/bag.tar")
  rm -f "$work/$n/bag.tar"
  # The same bag as a folder (a file per payload file): reported, and what import reads.
  read -r folder_s folder_kb < <(DATABASE_URL="$src" MEDIA_DIR="$work/$n/media" RUST_LOG=warn \
    measure "$server_bin" export --full --out "$work/$n/bag")

  fresh_db "p10_restore_$n"
  read -r restore_s restore_kb < <(measure pg_restore --no-owner -d "$(url_of "p10_restore_$n")" "$work/$n/dump")
  fresh_db "p10_import_$n"
  mkdir -p "$work/$n/media-imported"
  read -r import_s import_kb < <(DATABASE_URL="$(url_of "p10_import_$n")" MEDIA_DIR="$work/$n/media-imported" \
    RUST_LOG=warn measure "$server_bin" import "$work/$n/bag")
  imported=$(psql "$(url_of "p10_import_$n")" -Atc "select count(*) from stories")
  [ "$imported" = "$(psql "$src" -Atc "select count(*) from stories")" ] || failures+=("$n: import holds $imported stories")

  for step in dump export folder restore import; do
    s_var="${step}_s"
    [ -n "${!s_var}" ] || { echo "$n: $step failed" >&2; exit 1; }
  done
  for step in dump export folder restore import; do
    s_var="${step}_s" kb_var="${step}_kb"
    printf '%-10s %-14s %10s %12s\n' "$n" "$step" "${!s_var}" "$(awk -v k="${!kb_var}" 'BEGIN { printf "%.1f", k / 1024 }')"
  done
  export_ratio=$(ratio "$export_s" "$dump_s")
  import_ratio=$(ratio "$import_s" "$restore_s")
  echo "$n stories: export (.tar) ÷ pg_dump -Fc = ${export_ratio}×, import ÷ pg_restore = ${import_ratio}× (.tar $((tar_bytes / 1048576)) MB, folder $(du -sh "$work/$n/bag" | cut -f1), dump $(du -sh "$work/$n/dump" | cut -f1)); export to a folder ÷ pg_dump -Fc = $(ratio "$folder_s" "$dump_s")× (reported, not the target)"
  awk -v r="$export_ratio" 'BEGIN { exit !(r <= 2.0) }' || failures+=("$n: export ${export_ratio}× pg_dump (target ≤ 2)")
  awk -v r="$import_ratio" 'BEGIN { exit !(r <= 2.0) }' || failures+=("$n: import ${import_ratio}× pg_restore (target ≤ 2)")
  [ "$export_kb" -le $((128 * 1024)) ] || failures+=("$n: export peak RSS ${export_kb} KiB > 128 MB")
  [ "$import_kb" -le $((128 * 1024)) ] || failures+=("$n: import peak RSS ${import_kb} KiB > 128 MB")
  rm -rf "$work/$n"
done

if [ "${#failures[@]}" -gt 0 ]; then printf 'NOT MET: %s\n' "${failures[@]}" >&2; exit 1; fi
echo "P10 met at ${sizes[*]} stories"
