# Sourced by the test scripts that run the real server on a scratch database:
#
#   . "$root/tests/lib/scratch-server.sh"
#   scratch_begin shinian_browser      # db_name, db_url, work, port; all removed at exit
#   "$server_bin" migrate; ...
#   scratch_serve "$server_bin" "$work/server.log"   # starts it (pid), waits for /healthz
#
# Needs DATABASE_URL: a PostgreSQL server where a database may be created (any database name
# in the URL; it is only used to connect).

# A TCP port nobody listens on right now.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

scratch_begin() {
  admin_url=${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server where a database may be created}
  db_name="${1}_$(date +%s)_$$"
  db_url="${admin_url%/*}/$db_name"
  work=$(mktemp -d)
  port=$(free_port)
  pid=""
  trap scratch_end EXIT
  psql "$admin_url" -qc "create database \"$db_name\""
}

scratch_end() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  psql "$admin_url" -qc "drop database if exists \"$db_name\" with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}

# Starts the server in the background (its output to the log, if given) and waits until it
# answers; a server that exits first fails the script with its log.
scratch_serve() {
  local bin=$1 log=${2:-/dev/stderr}
  "$bin" >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { [ -f "$log" ] && cat "$log" >&2; echo "server exited" >&2; exit 1; }
    sleep 0.2
  done
  echo "server did not answer on port $port" >&2
  exit 1
}
