-- wrk script: every request gets a distinct query parameter, so the public page cache never answers
-- (measures rendering itself). The key=value report is report.lua's (wrk runs from the repository root).
dofile("bench/report.lua")
local n = 0
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "nocache=" .. tostring(n) .. "-" .. tostring(math.random(1, 1e9)))
end
