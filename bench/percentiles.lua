-- wrk reporter for bench/load.py: one JSON line with requests per second,
-- the latency percentiles (p50, p95, p99, in milliseconds) and the error
-- counts, so the script need not parse wrk's human summary. wrk's own
-- summary lists p50/p75/p90/p99 only; p95 comes from its histogram here.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50": %.3f, "p95": %.3f, "p99": %.3f, "non_2xx": %d, "errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors))
end
