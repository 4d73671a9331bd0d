#!/usr/bin/env bash
# Runs each fuzz target of fuzz/ for a while, one after the other; fails on the first crash,
# panic, over-allocation or timeout (the input is then in fuzz/artifacts/<target>/).
#
#   tests/fuzz/run.sh [seconds-per-target] [target...]     default: 30 s, all five targets
#
# Stable Rust: built with `--sanitizer none` (see docs/decisions.md, "Fuzzing on stable").
# The fuzz crate has its own target dir next to the shared one, because fuzz builds use other
# compiler flags and would otherwise rebuild everything the ordinary builds cached.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT/fuzz"
SECONDS_PER_TARGET=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(inspect_image form_reader search_query timeline_cursor transcript)
CARGO_FUZZ_VERSION=0.13.2

if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  FUZZ_TARGET_DIR=${SHINIAN_FUZZ_TARGET_DIR:-$(dirname "$CARGO_TARGET_DIR")/fuzz-target}
else
  FUZZ_TARGET_DIR=${SHINIAN_FUZZ_TARGET_DIR:-$ROOT/target/fuzz}
fi
export CARGO_TARGET_DIR=$FUZZ_TARGET_DIR SQLX_OFFLINE=true

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  say "Installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

say "Building the fuzz targets (target dir $CARGO_TARGET_DIR)"
start=$(date +%s)
if [ ${#TARGETS[@]} -eq 1 ]; then
  cargo fuzz build --sanitizer none "${TARGETS[0]}"
else
  cargo fuzz build --sanitizer none
fi
say "Built in $(( $(date +%s) - start )) s"

# The small photo fixtures join the image corpus (the large ones would only slow mutation down).
mkdir -p corpus/inspect_image
find "$ROOT/tests/fixtures/photos" -type f -size -300k -exec cp -n {} corpus/inspect_image/ \;

MEDIA=$(mktemp -d "${TMPDIR:-/tmp}/shinian-fuzz-media.XXXXXX")
trap 'rm -rf "$MEDIA"' EXIT
export SHINIAN_FUZZ_MEDIA=$MEDIA

for target in "${TARGETS[@]}"; do
  say "Fuzzing $target for ${SECONDS_PER_TARGET} s"
  mkdir -p "corpus/$target" logs
  log="logs/$target.log"
  status=0
  cargo fuzz run --sanitizer none "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$log" | tail -2 || true
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
  if [ "$status" -ne 0 ]; then
    grep -a -v -E '^#[0-9]+[[:space:]]' "$log" | grep -a -v 'Output of `std::fmt::Debug`' | cut -c1-300 | tail -40
    say "$target failed (exit $status); full log: fuzz/$log"
    exit 1
  fi
done
say "No crash in ${#TARGETS[@]} fuzz target(s)"
