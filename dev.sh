#!/usr/bin/env bash
# Shinian's two set-up commands.
#
#   ./dev.sh run    build and serve on http://127.0.0.1:3000 with demo content
#   ./dev.sh test   run every test (format, lints, unit, integration, browser, crash, smoke)
#
# On a fresh Debian/Ubuntu machine with rustup, both install what they are missing: Rust-side
# tools themselves; system packages with apt when run as root or with sudo (otherwise they
# print the exact apt-get line). With no DATABASE_URL, a private PostgreSQL cluster is created
# under ./data/postgres from the system's PostgreSQL binaries and reused on later runs (as root,
# when the PostgreSQL user cannot reach ./data, under /var/lib/shinian/ instead: see pg_home).
#
#   ./dev.sh db-stop    stop the private PostgreSQL cluster
set -euo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT"

CARGO_LEPTOS_VERSION=0.3.10
# The S3-compatible store tests/s3.rs runs against (MEDIA_STORE=s3); built once into ~/.cargo/bin.
GARAGE_VERSION=2.5.0
DATA_DIR=${SHINIAN_DATA_DIR:-$ROOT/data}
PG_PORT=${SHINIAN_PG_PORT:-5433}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# Queries are checked against the committed .sqlx data, so building never needs a database.
export SQLX_OFFLINE=true

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# System packages

# Debian/Ubuntu packages needed to build and run, with the command that proves each is there.
SYSTEM_PACKAGES_RUN=(
  "build-essential:cc"
  "pkg-config:pkg-config"
  "nasm:nasm"
  "cmake:cmake"
  "curl:curl"
  "nodejs:node"
  "npm:npm"
  "postgresql:pg_bin"
  "postgresql-client:psql"
  # Recordings are probed (ffprobe) and decoded (ffmpeg) in child processes run under prlimit
  # (util-linux) with a memory and CPU limit, the access copy's MP3 encoded by a LAME child
  # fed by ffmpeg: docs/decisions.md, "Voice".
  "ffmpeg:ffmpeg"
  "lame:lame"
  "util-linux:prlimit"
)
SYSTEM_PACKAGES_TEST=(
  "chromium:chromium"
  "libvips-tools:vipsthumbnail"
  "iproute2:ss"
  # Without a CJK font Chromium draws every Chinese character as a box of another size, and the
  # phone-width and form-height checks would measure something no resident sees.
  "fonts-noto-cjk:cjk_font"
  # Mandarin speech for the generated audio fixtures (tests/fixtures/audio/generate.sh).
  "espeak-ng:espeak-ng"
  # A virtual environment for the Python test tools from PyPI (ensure_python_tools).
  "python3-venv:py_venv"
  # The deployment test runs deploy/ itself: nginx with a throw-away certificate, and
  # systemd-analyze over the units (tests/deploy/nginx.sh).
  "nginx:nginx"
  "openssl:openssl"
  "systemd:systemd-analyze"
)

has() {
  case "$1" in
    pg_bin) [ -n "$(pg_bin_dir)" ] ;;
    cjk_font) [ -n "$(fc-list :lang=zh 2>/dev/null)" ] ;;
    py_venv) python3 -c 'import ensurepip, venv' 2>/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# The newest PostgreSQL server binaries installed by the system packages.
pg_bin_dir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
  fi
}

ensure_system_packages() {
  local missing=() entry
  for entry in "$@"; do
    has "${entry#*:}" || missing+=("${entry%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    say "Installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $line
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "Installing system packages with sudo: ${missing[*]}"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive $line
  else
    die "missing system packages. Install them with:
    sudo apt-get update && sudo $line"
  fi
  for entry in "$@"; do
    has "${entry#*:}" || die "${entry%%:*} is still missing after installing it"
  done
}

# ---------------------------------------------------------------------------------------------
# Rust-side tools

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_rust_tools() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup (https://rustup.rs)"
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (a few minutes, once)"
    # Its own release profile asks for fat LTO in one codegen unit, which on a small machine is
    # most of the install; a build tool run a few times a day does not need it.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local bindgen
  bindgen=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen" ]; then
    say "Installing wasm-bindgen-cli $bindgen (matches Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$bindgen"
  fi
  if ! command -v wasm-opt >/dev/null 2>&1; then
    say "Installing wasm-opt (npm package binaryen)"
    if [ "$(id -u)" -eq 0 ]; then npm install -g binaryen; else npm install -g --prefix "$HOME/.local" binaryen; fi
    export PATH="$HOME/.local/bin:$PATH"
  fi
}

ensure_garage() {
  if [ "$("$HOME/.cargo/bin/garage" --version 2>/dev/null | awk '{print $2}' | sed 's/^cargo://; s/^v//')" != "$GARAGE_VERSION" ]; then
    say "Installing Garage $GARAGE_VERSION for tests/s3.rs (7 to 50 minutes on 2 cores, once)"
    cargo install garage --version "$GARAGE_VERSION" --locked
  fi
  export GARAGE_BIN="$HOME/.cargo/bin/garage"
}

# ---------------------------------------------------------------------------------------------
# Python tools for the tests, from PyPI, in a virtual environment under the cache folder (the
# system's Python stays as it is). tests/oai.rs and tests/archive_bag.rs find it there (or at
# SHINIAN_PYTHON).

PYTHON_VENV=${XDG_CACHE_HOME:-$HOME/.cache}/shinian/venv
PYTHON_TOOLS=(
  # A real OAI-PMH harvester for tests/archive/oai-harvest.py.
  "sickle==0.7.0:sickle"
  # The Library of Congress's BagIt validator (bagit.py --validate) for tests/archive_bag.rs.
  "bagit==1.9.0:bagit"
)

ensure_python_tools() {
  [ -x "$PYTHON_VENV/bin/python" ] || python3 -m venv "$PYTHON_VENV" \
    || die "python3 -m venv failed: install python3-venv"
  local entry missing=()
  for entry in "${PYTHON_TOOLS[@]}"; do
    "$PYTHON_VENV/bin/python" -c "import ${entry#*:}" 2>/dev/null || missing+=("${entry%%:*}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Python tools from PyPI: ${missing[*]}"
    "$PYTHON_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
  fi
  export SHINIAN_PYTHON="$PYTHON_VENV/bin/python"
}

build_release() {
  say "Building (cargo leptos build --release --precompress)"
  cargo leptos build --release --precompress
}

# ---------------------------------------------------------------------------------------------
# The private PostgreSQL cluster under ./data/postgres

# Where the cluster lives: ./data/postgres, unless this is root and the PostgreSQL user cannot
# reach ./data (a clone under /root or another 0700 folder). Then it lives in
# /var/lib/shinian/<hash of the data folder>/, and ./data/postgres-location says so.
pg_home() {
  local user=$1 home
  if [ -f "$DATA_DIR/postgres-location" ]; then
    cat "$DATA_DIR/postgres-location"
  elif [ "$(id -u)" -ne 0 ] || as_pg_user "$user" test -x "$DATA_DIR"; then
    echo "$DATA_DIR"
  else
    home="/var/lib/shinian/$(printf '%s' "$DATA_DIR" | sha256sum | cut -c1-16)"
    mkdir -p "$home"
    chmod 755 /var/lib/shinian "$home"
    echo "$home" >"$DATA_DIR/postgres-location"
    say "$user cannot reach $DATA_DIR: the private PostgreSQL cluster lives in $home" >&2
    echo "$home"
  fi
}

# Sets PG_DIR, PG_SOCKET_DIR and PG_LOG (creates the data folder).
locate_private_postgres() {
  local home
  mkdir -p "$DATA_DIR"
  home=$(pg_home "$(pg_user)")
  PG_DIR="$home/postgres"
  PG_SOCKET_DIR="$home/postgres-socket"
  PG_LOG="$home/postgres.log"
}

# PostgreSQL refuses to run as root: run it as an unprivileged user that owns ./data/postgres.
pg_user() {
  if [ "$(id -u)" -ne 0 ]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    useradd --system --no-create-home --shell /usr/sbin/nologin shinian-pg 2>/dev/null || true
    echo shinian-pg
  fi
}

as_pg_user() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

start_private_postgres() {
  local bin user
  bin=$(pg_bin_dir)
  [ -n "$bin" ] || die "no PostgreSQL server binaries found. Install them with:
    sudo apt-get install -y postgresql"
  user=$(pg_user)
  locate_private_postgres
  # pg_ctl hands -o to a shell: the socket folder is quoted there, so it may hold spaces but
  # not a single quote.
  case "$PG_SOCKET_DIR" in *"'"*) die "the data folder's path may not contain a single quote: $PG_SOCKET_DIR" ;; esac
  mkdir -p "$PG_SOCKET_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown "$user" "$PG_SOCKET_DIR"; fi
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    say "Creating a private PostgreSQL cluster in $PG_DIR"
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then chown "$user" "$PG_DIR"; chmod 700 "$PG_DIR"; fi
    as_pg_user "$user" test -w "$PG_DIR" || die "user $user cannot write $PG_DIR (its parent folders must be reachable by $user)"
    as_pg_user "$user" "$bin/initdb" -D "$PG_DIR" -U shinian --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg_user "$user" "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    say "Starting the private PostgreSQL on 127.0.0.1:$PG_PORT"
    touch "$PG_LOG"
    if [ "$(id -u)" -eq 0 ]; then chown "$user" "$PG_LOG"; fi
    as_pg_user "$user" "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t 60 \
      -o "-p $PG_PORT -k '$PG_SOCKET_DIR' -c listen_addresses=127.0.0.1" start >/dev/null \
      || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
  fi
  local exists
  exists=$("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U shinian -d postgres -tAc "select 1 from pg_database where datname = 'shinian'")
  [ "$exists" = 1 ] || "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U shinian -d postgres -qc "create database shinian"
  export DATABASE_URL="postgres://shinian@127.0.0.1:$PG_PORT/shinian"
}

stop_private_postgres() {
  local bin
  bin=$(pg_bin_dir)
  [ -n "$bin" ] && [ -d "$DATA_DIR" ] || return 0
  locate_private_postgres
  [ -f "$PG_DIR/PG_VERSION" ] || return 0
  as_pg_user "$(pg_user)" "$bin/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------------------------
# Commands

# With the private database only: an admin to try moderation with, its password kept in
# $DATA_DIR/demo-admin.txt (readable by you only). A real site makes its admin with
# `server create-admin`.
ensure_demo_admin() {
  local server=$1 file="$DATA_DIR/demo-admin.txt" password
  if [ ! -f "$file" ]; then
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    ADMIN_PASSWORD="$password" "$server" create-admin --email admin@example.org --name "演示管理员" >/dev/null
    (umask 077 && echo "admin@example.org $password" >"$file")
  fi
  say "Moderation: sign in at /login as $(cut -d' ' -f1 "$file") with the password in $file"
}

cmd_run() {
  ensure_system_packages "${SYSTEM_PACKAGES_RUN[@]}"
  ensure_rust_tools
  build_release
  local private_db=false
  if [ -z "${DATABASE_URL:-}" ]; then start_private_postgres; private_db=true; fi
  export MEDIA_DIR=${MEDIA_DIR:-$DATA_DIR/media}
  local server="$TARGET_DIR/release/server"
  "$server" seed-demo
  if [ "$private_db" = true ]; then ensure_demo_admin "$server"; fi
  say "Serving on http://${BIND_ADDR:-127.0.0.1:3000} (Ctrl-C stops; ./dev.sh db-stop stops the database)"
  exec "$server"
}

cmd_test() {
  ensure_system_packages "${SYSTEM_PACKAGES_RUN[@]}" "${SYSTEM_PACKAGES_TEST[@]}"
  ensure_rust_tools
  ensure_python_tools
  ensure_garage
  if [ -z "${DATABASE_URL:-}" ]; then
    start_private_postgres
    export DATABASE_URL="postgres://shinian@127.0.0.1:$PG_PORT/postgres"
  fi
  say "Format"
  cargo fmt --all --check
  cargo fmt --manifest-path fuzz/Cargo.toml --check
  say "Lints"
  cargo clippy --workspace --all-targets -- -D warnings
  python3 tests/arch/import-cycles.py
  say "Unit and integration tests (real PostgreSQL)"
  cargo test --workspace
  say "The media, voice, timeline, hostile-input and archive tests again, media in Garage"
  SHINIAN_TEST_MEDIA_STORE=s3 cargo test -p tests --test media --test voice --test timeline \
    --test hostile_input --test archive_bag --test archive_restore --test open_data
  say "Fuzz smoke (30 s per target; the first build of the fuzz crate takes a while)"
  tests/fuzz/run.sh 30
  build_release
  say "Browser tests (headless Chromium)"
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
  tests/browser/run.sh
  say "Crash during submissions (200 stories, a private PostgreSQL; about 10 s)"
  SERVER_BIN="$TARGET_DIR/release/server" tests/load/crash-during-submissions.sh 200
  say "Deployment: nginx in front of two instances and a worker (deploy/)"
  SERVER_BIN="$TARGET_DIR/release/server" tests/deploy/nginx.sh
  say "Smoke test of ./dev.sh run with an empty data folder"
  tests/smoke/dev-run.sh
  say "All tests passed"
}

case "${1:-}" in
  run) cmd_run ;;
  test) cmd_test ;;
  db-stop) stop_private_postgres ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
