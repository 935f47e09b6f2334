-- wrk script for bench/load.sh: round-robins over the paths in the file named by the PATHS environment
-- variable, sends a browser user agent, counts tracked answers (GIF or redirect) per thread, and prints one
-- RESULT line. With QUOTA set, each thread sends that many tracked requests and then only /health, so the
-- count of tracked answers is exact (nothing is left in flight when wrk stops).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local quota = tonumber(os.getenv("QUOTA") or "0")
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local agent = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
local i = 0
local sent = 0
tracked = 0

function init(args)
  i = (id or 1) * 7919
end

function request()
  if quota > 0 and sent >= quota then
    return wrk.format("GET", "/health", {["User-Agent"] = agent})
  end
  sent = sent + 1
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["User-Agent"] = agent})
end

function response(status, headers, body)
  if status == 302 or (status == 200 and (headers["Content-Type"] or ""):find("image/gif", 1, true)) then
    tracked = tracked + 1
  end
end

function done(summary, latency, requests)
  local ok = 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("tracked")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f p99_ms=%.2f p50_ms=%.2f requests=%d errors=%d tracked=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, latency:percentile(50) / 1000,
    summary.requests, errors, ok))
end
