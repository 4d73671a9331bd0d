# Sourced by the upload load scripts (upload-memory.sh, s3-upload-bench.sh), after
# tests/lib/scratch-server.sh (for $root, $port).

# padded_photo PATH MB: a real JPEG padded after its end marker to MB megabytes (as phones
# append data).
padded_photo() {
  cp "$root/tests/fixtures/photos/camera_gray.jpg" "$1"
  truncate -s "${2}M" "$1"
}

# submit_story NAME FILE: one story with FILE as its "then" photo, sent to the server on
# $port; prints the HTTP status.
submit_story() {
  curl -sS -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/submit" \
    -F title="上传测试 $1" -F story="$(printf '这是一段用来测试上传的故事文字，内容本身并不重要。%.0s' 1 2 3 4)" \
    -F place="测试街道" -F year_then=2012 -F year_now=2022 -F themes=community -F consent_publish=on \
    -F licence=display-only -F "photo_then=@$2;filename=p.jpg" -F photo_then_alt="测试照片"
}
