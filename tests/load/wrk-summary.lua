-- wrk script of the timeline benchmarks: reports one "result key value" line per figure,
-- parsed by tests/load/timeline-lib.sh (wrk_measure); latencies in milliseconds.
-- With the argument "unique" (wrk … URL -- unique) every request gets its own query parameter
-- nocache=THREAD-N, which the app ignores but which misses its rendered-page cache (keyed on
-- the URI): the cost of rendering from the database.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  unique = args[1] == "unique"
  counter = 0
  separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
end

function request()
  if unique then
    counter = counter + 1
    return wrk.format(nil, wrk.path .. separator .. "nocache=" .. id .. "-" .. counter)
  end
  return wrk.format()
end

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
