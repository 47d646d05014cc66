-- wrk script for bench/load.py: every request is a random line of a paths file.
--
--   wrk -t1 -c20 -d20s --timeout=10s -s bench/load.lua URL -- PATHS_FILE SEED TIMEOUT_S
--
-- Drawing each request at random from the whole file (not replaying it in order) keeps the
-- traffic mix the file holds and lets the long tail through: the app's caches see what a shop
-- with that many products sees.
--
-- wrk counts a timeout only when a late response finally arrives: a request the server never
-- answers before the run ends is counted nowhere, so a page whose workers hang would report
-- zero requests and zero errors. This script keeps the send time of every unanswered request
-- (first in, first out) and reports those older than TIMEOUT_S at the end as `unanswered`.
-- At the end one line `WRK_JSON {...}` reports the counts and the latency distribution
-- (microseconds); load.py parses it.

local paths = {}
local threads = {}

wrk.headers["Accept-Language"] = "vi-VN,vi;q=0.9,en;q=0.6"
wrk.headers["User-Agent"] = "ocop-load-bench (wrk)"

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local file = args[1]
  if file == nil then
    error("usage: wrk ... -s load.lua URL -- PATHS_FILE [SEED] [TIMEOUT_S]")
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
  timeout_s = tonumber(args[3] or "10")
  sent_at = {} -- send times (s) of unanswered requests, oldest first
  first, last = 1, 0
end

function request()
  local text = wrk.format("GET", paths[math.random(#paths)])
  if not verified then
    verified = true -- wrk calls request() once per thread to check it: nothing is sent
    return text
  end
  last = last + 1
  sent_at[last] = os.time()
  return text
end

function response(status, headers, body)
  if first <= last then
    sent_at[first] = nil
    first = first + 1
  end
end

local function unanswered(now)
  local stale, open = 0, 0
  for _, thread in ipairs(threads) do
    local times, from, to = thread:get("sent_at"), thread:get("first"), thread:get("last")
    local limit = thread:get("timeout_s")
    for i = from, to do
      open = open + 1
      if times[i] ~= nil and now - times[i] >= limit then
        stale = stale + 1
      end
    end
  end
  return stale, open
end

function done(summary, latency, requests)
  local e = summary.errors
  local stale, open = unanswered(os.time())
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "unanswered": %d, "open_at_end": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, stale, open, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
