-- wrk script for bench/load.py: every request is a random line of a paths file.
--
--   wrk -t1 -c20 -d20s -s bench/load.lua http://127.0.0.1:PORT -- paths.txt SEED
--
-- Drawing each request at random from the whole file (not replaying it in order) keeps the
-- traffic mix the file holds and lets the long tail through: the app's caches see what a shop
-- with that many products sees. At the end one line `WRK_JSON {...}` reports the counts and the
-- latency distribution (microseconds); load.py parses it.

local paths = {}

wrk.headers["Accept-Language"] = "vi-VN,vi;q=0.9,en;q=0.6"
wrk.headers["User-Agent"] = "ocop-load-bench (wrk)"

function init(args)
  local file = args[1]
  if file == nil then
    error("usage: wrk ... -s load.lua URL -- PATHS_FILE [SEED]")
  end
  for line in io.lines(file) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. file)
  end
  math.randomseed(tonumber(args[2] or "1"))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
