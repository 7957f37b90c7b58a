-- wrk script: prints requests/s and latency percentiles as key=value lines after the run.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("requests=%d errors=%d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format("rps=%.0f\n", summary.requests / secs))
  io.write(string.format("p50_ms=%.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms=%.3f\n", latency:percentile(99) / 1000))
end
