#!/usr/bin/env bash
# The deployment, tested (issue 16): Debian's nginx runs deploy/nginx/shinian.conf itself (its
# `# test:` lines rewritten for loopback, a self-signed certificate) in front of two
# `server serve` instances that only serve, and one `server worker` that processes, all on one
# scratch database and one media folder. systemd-analyze checks deploy/systemd/*.service.
#
# Checked through nginx over HTTPS:
# - `nginx -t` accepts the site; plain HTTP answers 301 to https;
# - pages come with the app's security headers (CSP without inline scripts, HSTS) and both
#   instances answer (nginx's access log names the upstream of every request);
# - a story with a photo sent through nginx is stored (303), its photo is made by the worker,
#   and once approved it shows on both instances' cached timelines at once;
# - its photo and the site's stylesheet are served with the app's Cache-Control;
# - a client forging X-Forwarded-For is still counted under its real address
#   (SUBMISSIONS_PER_HOUR_PER_IP=3: the fourth story is refused whatever it claims);
# - a body over client_max_body_size is refused by nginx with 413;
# - with instance A killed, every page still answers 200 (nginx goes to B).
#
# Needs a release build, nginx, openssl, systemd-analyze, psql, node, curl and DATABASE_URL.
# Usage: tests/deploy/nginx.sh   (SERVER_BIN overrides the binary; KEEP_WORK=1 keeps the folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
server_bin=${SERVER_BIN:-$target/release/server}
site_root="$target/site"
[ -d "$site_root" ] || site_root="$root/target/site"
photo="$root/tests/fixtures/photos/camera_gray.jpg"
clients_js="$root/tests/load/crash-clients.mjs"

[ -x "$server_bin" ] || { echo "no release server at $server_bin (cargo leptos build --release)" >&2; exit 1; }
for tool in nginx openssl systemd-analyze psql node curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

. "$root/tests/lib/scratch-server.sh"
scratch_begin shinian_nginx
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ ! -f "$work/nginx.pid" ] || kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  if [ -n "${KEEP_WORK:-}" ]; then cp -r "$work" "$work.kept" && echo "kept $work.kept"; fi
  scratch_end
}
trap stop_all EXIT
# nginx's workers run as `nobody` when the test runs as root: they must reach the folder.
chmod 755 "$work"

failures=()
fail() { failures+=("$*"); echo "FAIL: $*" >&2; }
ok() { echo "ok: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

https_port=$(free_port)
http_port=$(free_port)
port_a=$(free_port)
port_b=$(free_port)
base="https://localhost:$https_port"
curl_tls() { curl -sS --cacert "$work/cert.pem" --max-time 20 "$@"; }
sql() { psql "$db_url" -v ON_ERROR_STOP=1 -qAt -c "$1"; }

# --- systemd units -----------------------------------------------------------------------------
for unit in shinian.service shinian-worker.service; do
  sed -e "s#^ExecStart=/usr/local/bin/shinian #ExecStart=$server_bin #" \
    -e "s#^EnvironmentFile=.*#EnvironmentFile=$work/shinian.env#" \
    "$root/deploy/systemd/$unit" >"$work/$unit"
done
cp "$root/deploy/shinian.env.example" "$work/shinian.env"
for unit in shinian.service shinian-worker.service; do
  complaints=$(systemd-analyze verify "$work/$unit" 2>&1 || true)
  check "systemd-analyze verify $unit: no complaint" test -z "$complaints"
  [ -z "$complaints" ] || echo "$complaints" >&2
  exposure=$(systemd-analyze security --offline=true "$work/$unit" 2>/dev/null \
    | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  check "$unit: systemd exposure $exposure ≤ 2.0" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }'
done

# --- nginx -------------------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
chmod 644 "$work/key.pem"

# Directive lines only: the file's own comments mention the marker too.
markers=$(grep -v '^ *#' "$root/deploy/nginx/shinian.conf" | grep -c '# test:')
awk -v a="$port_a" -v b="$port_b" -v plain="$http_port" -v tls="$https_port" -v w="$work" '
  /^ *#/ { print; next }
  /# test: drop/ { next }
  /# test: instance A/ { sub(/127\.0\.0\.1:3000/, "127.0.0.1:" a) }
  /# test: instance B/ { sub(/127\.0\.0\.1:3001/, "127.0.0.1:" b) }
  /# test: plain port/ { $0 = "    listen 127.0.0.1:" plain "; # test: done" }
  /# test: TLS port/ { $0 = "    listen 127.0.0.1:" tls " ssl http2; # test: done" }
  /# test: name/ { $0 = "    server_name localhost; # test: done" }
  /# test: certificate/ { $0 = "    ssl_certificate " w "/cert.pem; # test: done" }
  /# test: key/ { $0 = "    ssl_certificate_key " w "/key.pem; # test: done" }
  /# test: instance/ { sub(/# test: instance [AB]/, "# test: done") }
  { print }
' "$root/deploy/nginx/shinian.conf" >"$work/site.conf"
left=$(grep -v '^ *#' "$work/site.conf" | grep '# test:' | grep -vc '# test: done' || true)
check "every '# test:' line of the site was rewritten ($markers lines)" test "$left" -eq 0

mkdir -p "$work/nginx-tmp"
chmod 777 "$work/nginx-tmp"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    log_format upstreams '\$status \$request_method \$uri \$upstream_addr';
    access_log $work/nginx-access.log upstreams;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    include $work/site.conf;
}
EOF
nginx_args=(-p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf")
if nginx -t "${nginx_args[@]}" 2>"$work/nginx-t.txt"; then ok "nginx -t accepts the site"; else cat "$work/nginx-t.txt" >&2; fail "nginx -t refuses the site"; exit 1; fi
nginx "${nginx_args[@]}"

# --- two instances and a worker ----------------------------------------------------------------
DATABASE_URL="$db_url" RUST_LOG=warn "$server_bin" migrate
instance_env=(DATABASE_URL="$db_url" PUBLIC_URL="$base" MEDIA_DIR="$work/media" SITE_ROOT="$site_root"
  TRUST_PROXY=true SUBMISSIONS_PER_HOUR_PER_IP=3 RUST_LOG=info,sqlx=warn NO_COLOR=1)
start_instance() { # NAME PORT
  env "${instance_env[@]}" BIND_ADDR="127.0.0.1:$2" WORKER_CONCURRENCY=0 "$server_bin" serve >>"$work/$1.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$work/$1.log" >&2
  echo "instance $1 did not start" >&2
  exit 1
}
start_instance a "$port_a"
start_instance b "$port_b"
env "${instance_env[@]}" WORKER_CONCURRENCY=1 "$server_bin" worker >>"$work/worker.log" 2>&1 &
pids+=($!)

# --- through nginx -----------------------------------------------------------------------------
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/about" -H "Host: localhost")
check "plain HTTP answers 301 to https ($redirect)" test "$redirect" = "301 https://localhost/about"

curl_tls -D "$work/home.headers" -o "$work/home.html" "$base/"
check "GET / through nginx answers 200" grep -q '^HTTP/[0-9.]* 200' "$work/home.headers"
csp=$(grep -i '^content-security-policy:' "$work/home.headers" || true)
check "the CSP passes through nginx" test -n "$csp"
check "the CSP forbids inline scripts" bash -c '! grep -qi "unsafe-inline" <<<"$(grep -o "script-src[^;]*" <<<"$1")"' _ "$csp"
check "HSTS is sent (PUBLIC_URL is https)" grep -qi '^strict-transport-security: max-age=' "$work/home.headers"

for _ in $(seq 1 8); do curl_tls -o /dev/null "$base/healthz"; done
check "both instances answered through nginx" bash -c \
  "grep -q ' 127.0.0.1:$port_a\$' '$work/nginx-access.log' && grep -q ' 127.0.0.1:$port_b\$' '$work/nginx-access.log'"

# A story with a photo through nginx.
submit() { # OUT [FORGED]
  NODE_EXTRA_CA_CERTS="$work/cert.pem" RETRY_SECS=0 FORWARDED_FOR="${2:-}" \
    node "$clients_js" submit "$base" 1 1 "$photo" "$1" "部署测试" >/dev/null
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").pop()); console.log(r.status, r.title)' "$1"
}
read -r status title < <(submit "$work/first.jsonl")
check "a story with a photo sent through nginx is stored (answer $status)" test "$status" = 303

processed=""
for _ in $(seq 1 60); do
  processed=$(sql "select count(*) from photos p join stories s on s.id = p.story_id where s.title = '$title' and p.processed_at is not null")
  [ "$processed" = 0 ] || break
  sleep 1
done
check "the worker made its photo (no instance runs workers)" test "$processed" = 1

# Both instances cache the timeline; an approval must reach both at once.
for _ in 1 2 3 4; do curl_tls -o /dev/null "$base/"; done
sql "update stories set status = 'approved', published_at = now() where title = '$title'" >/dev/null
shown=0
for _ in $(seq 1 50); do
  shown=0
  for _ in 1 2 3 4; do curl_tls "$base/" | grep -qF "$title" && shown=$((shown + 1)); done
  [ "$shown" -lt 4 ] || break
  sleep 0.2
done
check "the approved story is on both instances' timelines" test "$shown" -eq 4

story_id=$(sql "select id from stories where title = '$title'")
curl_tls -o "$work/story.html" "$base/stories/$story_id"
image=$(grep -o 'src="/media/[^"]*"' "$work/story.html" | head -n 1 | cut -d'"' -f2 || true)
check "the story page names its photo" test -n "$image"
if [ -n "$image" ]; then
  curl_tls -D "$work/image.headers" -o /dev/null "$base$image"
  check "its photo is served through nginx (200)" grep -q '^HTTP/[0-9.]* 200' "$work/image.headers"
  check "with the app's Cache-Control (public, max-age=300)" grep -qi '^cache-control: public, max-age=300' "$work/image.headers"
fi
stylesheet=$(grep -o '<link[^>]*rel="stylesheet"[^>]*>' "$work/home.html" | grep -o 'href="[^"]*"' | head -n 1 | cut -d'"' -f2 || true)
curl_tls -D "$work/css.headers" -o /dev/null "$base$stylesheet"
check "the stylesheet $stylesheet comes with an hour of caching" grep -qi '^cache-control: public, max-age=3600' "$work/css.headers"

# SUBMISSIONS_PER_HOUR_PER_IP=3: two more, each claiming another address, then a fourth.
read -r status _ < <(submit "$work/second.jsonl" 203.0.113.2)
check "a second story (forged X-Forwarded-For) is stored ($status)" test "$status" = 303
read -r status _ < <(submit "$work/third.jsonl" 203.0.113.3)
check "a third story (another forged address) is stored ($status)" test "$status" = 303
read -r status _ < <(submit "$work/fourth.jsonl" 203.0.113.4)
check "the fourth is refused as from the same address, whatever it claims ($status)" test "$status" = 429

too_big=$(curl_tls -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: multipart/form-data; boundary=x' \
  -H 'Content-Length: 600000000' --data-binary 'x' "$base/submit" 2>/dev/null || true)
check "a body over client_max_body_size is refused by nginx (${too_big:0:3})" test "${too_big:0:3}" = 413

kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null || true
answered=""
for _ in $(seq 1 10); do answered+="$(curl_tls -o /dev/null -w '%{http_code} ' "$base/")"; done
check "with instance A killed, every page still answers 200 ($answered)" \
  test "$answered" = "200 200 200 200 200 200 200 200 200 200 "

if [ "${#failures[@]}" -gt 0 ]; then
  echo "nginx deployment test: ${#failures[@]} failure(s)" >&2
  printf '  %s\n' "${failures[@]}" >&2
  tail -n 20 "$work/nginx-error.log" >&2 || true
  exit 1
fi
echo "nginx deployment test: all checks passed"
