-- wrk script of the timeline benchmarks: reports one "result key value" line per figure,
-- parsed by tests/load/timeline-lib.sh (wrk_measure); latencies in milliseconds.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("result requests_per_sec %.1f\n", summary.requests / seconds))
  io.write(string.format("result requests %d\n", summary.requests))
  io.write(string.format("result p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("result p95_ms %.2f\n", latency:percentile(95) / 1000))
  io.write(string.format("result p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("result errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("result bad_status %d\n", e.status))
end
