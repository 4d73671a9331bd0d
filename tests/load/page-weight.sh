#!/usr/bin/env bash
# Page weight (issue 5, "speed"): the HTML of a page and every same-origin stylesheet, script,
# module preload and the WebAssembly it loads (a `<link rel=preload as=fetch>` or the islands
# hydration script's arguments), each compressed with gzip -9; photos are not counted. Prints
# each resource's size as is, gzip -9, and as the server sends it to a client accepting br/gzip,
# and fails when the gzip -9 total exceeds LIMIT bytes (default 256,000 = 250 KB).
#
# Usage: tests/load/page-weight.sh BASE_URL [PATH]
# PATH defaults to the story page /stories/{id} of the first approved story (id from
# DATABASE_URL with psql). Example:
#   DATABASE_URL=postgres://…/shinian tests/load/page-weight.sh http://127.0.0.1:3000
set -euo pipefail
base=${1:?usage: page-weight.sh BASE_URL [PATH]}
base=${base%/}
limit=${LIMIT:-256000}
if [ -n "${2:-}" ]; then
  path=$2
else
  : "${DATABASE_URL:?give a PATH, or DATABASE_URL to find the first approved story}"
  id=$(psql "$DATABASE_URL" -Atc "select id from stories where status = 'approved' order by id limit 1")
  [ -n "$id" ] || { echo "no approved story in the database" >&2; exit 1; }
  path="/stories/$id"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

code=$(curl -sS -o "$work/page.html" -w '%{http_code}' "$base$path")
[ "$code" = 200 ] || { echo "GET $path answered $code" >&2; exit 1; }

# Same-origin URL paths the page loads: stylesheets, scripts, module preloads, fetch preloads
# (the .wasm), and the .js/.wasm named by Leptos' hydration script, whose last call is
# ("root", "pkg dir", "output name", "wasm output name", …).
resources=$(node - "$work/page.html" "$base" <<'JS'
const fs = require("fs");
const [file, base] = process.argv.slice(2);
const html = fs.readFileSync(file, "utf8");
const origin = new URL(base).origin;
const found = [];
const attr = (tag, name) => {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i"));
  return m ? (m[2] ?? m[3] ?? m[4]) : null;
};
const add = (kind, href) => {
  if (!href) return;
  const url = new URL(href.replaceAll("&amp;", "&"), base + "/");
  if (url.origin !== origin) {
    console.error(`skipped (other origin): ${url}`);
    return;
  }
  const p = url.pathname + url.search;
  if (!found.some(([, q]) => q === p)) found.push([kind, p]);
};
for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
  const rel = (attr(tag, "rel") || "").toLowerCase().split(/\s+/);
  if (rel.includes("stylesheet")) add("css", attr(tag, "href"));
  else if (rel.includes("modulepreload")) add("js", attr(tag, "href"));
  else if (rel.includes("preload") && (attr(tag, "as") || "").toLowerCase() === "fetch") add("wasm", attr(tag, "href"));
  else if (rel.includes("preload") && (attr(tag, "as") || "").toLowerCase() === "script") add("js", attr(tag, "href"));
}
for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) add("js", attr(tag, "src"));
// Leptos' hydration loader: import(`${root}/${pkg_path}/${output_name}.js`) and
// `${root}/${pkg_path}/${wasm_output_name}.wasm`, its arguments at the end of the script.
for (const [, body] of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
  const m = body.match(/\(\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,[^()]*\)\s*;?\s*$/);
  if (m && /output_name|hydrate/.test(body)) {
    const [, root, pkg, out, wasm] = m;
    add("js", `${root}/${pkg}/${out}.js`);
    add("wasm", `${root}/${pkg}/${wasm}.wasm`);
  }
}
for (const [kind, p] of found) console.log(`${kind} ${p}`);
JS
)

printf '%-6s %-44s %10s %10s %10s\n' kind path bytes "gzip -9" served
total_raw=0 total_gz=0 total_served=0
row() {
  local kind=$1 p=$2 file=$3 raw gz served
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  served=$(curl -sS -o /dev/null -H 'Accept-Encoding: br, gzip' -w '%{size_download}' "$base$p")
  printf '%-6s %-44s %10d %10d %10d\n' "$kind" "$p" "$raw" "$gz" "$served"
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_served=$((total_served + served))
}
row html "$path" "$work/page.html"
n=0
while read -r kind p; do
  [ -n "$kind" ] || continue
  n=$((n + 1))
  code=$(curl -sS -o "$work/r.$n" -w '%{http_code}' "$base$p")
  [ "$code" = 200 ] || { echo "GET $p answered $code" >&2; exit 1; }
  row "$kind" "$p" "$work/r.$n"
done <<<"$resources"
printf '%-6s %-44s %10d %10d %10d\n' total "" "$total_raw" "$total_gz" "$total_served"
echo "compressed (gzip -9) total: $total_gz bytes = $((total_gz / 1024)) KB (limit $limit bytes)"
[ "$total_gz" -le "$limit" ] || { echo "page weight $total_gz bytes exceeds $limit" >&2; exit 1; }
