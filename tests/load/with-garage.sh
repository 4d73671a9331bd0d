#!/usr/bin/env bash
# Runs a command with its media in a scratch single-node Garage: starts one with a fresh pair of
# buckets (tests/support/scratch_garage.rs, built here in release), exports MEDIA_STORE=s3 and
# the S3_* settings of those buckets, runs the command, and stops Garage (its folder removed)
# when the command ends. Any script that starts the release server inherits the settings:
#
#   tests/load/with-garage.sh tests/load/readers-under-uploads.sh    # P8 with MEDIA_STORE=s3
#
# Needs garage (GARAGE_BIN, ~/.cargo/bin or PATH; ./dev.sh test installs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
[ $# -gt 0 ] || { echo "usage: $0 command [args…]" >&2; exit 2; }
# Offline: DATABASE_URL names the database to load, not one with our tables to check queries against.
(cd "$root" && SQLX_OFFLINE=true cargo build --release --quiet -p tests --bin scratch-garage)
coproc GARAGE { exec "$target/release/scratch-garage"; }
while IFS= read -r line <&"${GARAGE[0]}"; do
  [ "$line" = ready ] && break
  export "${line?}"
done
[ "${MEDIA_STORE:-}" = s3 ] || { echo "Garage did not start" >&2; exit 1; }
echo "media in Garage at $S3_ENDPOINT, buckets $S3_PRIVATE_BUCKET and $S3_PUBLIC_BUCKET" >&2
"$@"
