#!/usr/bin/env bash
# Runs every tests/browser/*.spec.mjs in headless Chromium against the built site
# (`cargo leptos build --release`), a fresh database and a server on a free port.
#
# Arguments, if any, name the spec files to run (e.g. `tests/browser/run.sh rephoto.spec.mjs`);
# without them every spec runs.
#
# Needs DATABASE_URL: a PostgreSQL server where the tests may create a database (any database
# name in the URL; it is only used to connect). SERVER_BIN defaults to the release binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
server_bin=${SERVER_BIN:-$target/release/server}
. "$root/tests/lib/scratch-server.sh"
[ -x "$server_bin" ] || { echo "no server binary at $server_bin (run: cargo leptos build --release)" >&2; exit 1; }
[ -f "$root/target/site/pkg/shinian.wasm" ] || { echo "no site at target/site (run: cargo leptos build --release)" >&2; exit 1; }

scratch_begin shinian_browser
log="$work/server.log"
export DATABASE_URL="$db_url" BIND_ADDR="127.0.0.1:$port" MEDIA_DIR="$work/media" \
  SITE_ROOT="$root/target/site" PUBLIC_URL="http://127.0.0.1:$port" SUBMISSIONS_PER_HOUR_PER_IP=1000 \
  RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
"$server_bin" migrate
# The first admin, made the way an operator does (password from the environment).
export ADMIN_EMAIL="admin@example.org" ADMIN_PASSWORD="browser test admin password"
"$server_bin" create-admin --email "$ADMIN_EMAIL" --name "浏览器管理员" >/dev/null
scratch_serve "$server_bin" "$log"

# The fake microphone of recorder.spec.mjs: Mandarin speech, made here as the audio fixtures
# make theirs (tests/fixtures/audio/generate.sh). Without espeak-ng Chromium's own beep stands in.
if command -v espeak-ng >/dev/null 2>&1; then
  espeak-ng -v cmn -s 150 -w "$work/microphone.wav" \
    "十年前，我每天坐渡轮去上班。后来修了大桥，渡轮就停了。现在那里是一个公园，晚上很多人在那里跳舞。"
  export FAKE_MICROPHONE_WAV="$work/microphone.wav"
fi

cd "$root/tests/browser"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
specs=("${@##*/}")
[ ${#specs[@]} -gt 0 ] || specs=(./*.spec.mjs)
status=0
BASE_URL="http://127.0.0.1:$port" SERVER_BIN="$server_bin" node --test --test-concurrency=1 "${specs[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "---- server log ----" >&2
  tail -n 80 "$log" >&2
fi
exit "$status"
