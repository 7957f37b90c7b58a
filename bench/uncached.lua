-- wrk script: every request gets a distinct query parameter, so the public page cache never answers
-- (measures rendering itself); prints the same key=value figures as report.lua.
local n = 0
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "nocache=" .. tostring(n) .. "-" .. tostring(math.random(1, 1e9)))
end
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("requests=%d errors=%d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
  io.write(string.format("rps=%.0f\n", summary.requests / secs))
  io.write(string.format("p50_ms=%.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms=%.3f\n", latency:percentile(99) / 1000))
end
