-- wrk script for bench_intake.py: POST grid workers' reports to /api/v1/incidents at a fixed rate.
--
-- Plain wrk sends as fast as its connections allow. Here `delay()` paces them instead: every
-- time a connection is free it claims the next slot of a fixed schedule (one slot per
-- 1/rate s) and waits for it, so the offered rate holds whatever the latency, as long as some
-- connection is free. Latency is measured from the slot, not from the moment the request went
-- out, so a server that falls behind shows its queueing (no coordinated omission). Requests
-- are told apart in the responses by the number in their address, which the API echoes.
--
-- Settings come from the environment (bench_intake.py sets them):
--   BENCH_DATA    file: "categories k1 k2 ...", then "token lat,lon lat,lon ..." per worker
--   BENCH_RATE    requests per second, over all threads
--   BENCH_WINDOW  seconds of schedule; wrk's -d must be longer so every request can finish
--   BENCH_PREFIX  client_id prefix of this run (the database is counted by it afterwards)
--   BENCH_OUT     file the main thread writes results to: one line per response, then totals

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local DESCRIPTIONS = {
  "路边垃圾堆积，无人清运", "人行道井盖破损，有安全隐患", "占道经营，影响通行",
  "路灯不亮，夜间行人不便", "楼道堆放杂物，堵塞消防通道", "共享单车乱停乱放",
  "绿地被毁，有人私自种菜", "小广告张贴在公交站牌上", "积水严重，车辆无法通行",
}

-- Main state: one entry per wrk thread, to read their results in done().
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

local function split(line)
  local words = {}
  for word in line:gmatch("%S+") do table.insert(words, word) end
  return words
end

local function read_data(path)
  local categories, workers = {}, {}
  for line in io.lines(path) do
    local words = split(line)
    if words[1] == "categories" then
      for i = 2, #words do table.insert(categories, words[i]) end
    elseif #words > 1 then
      local points = {}
      for i = 2, #words do table.insert(points, words[i]) end
      table.insert(workers, { token = words[1], points = points })
    end
  end
  return categories, workers
end

function init(args)
  local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")
  local rate = tonumber(os.getenv("BENCH_RATE")) / thread_count
  categories, workers = read_data(os.getenv("BENCH_DATA"))
  prefix = os.getenv("BENCH_PREFIX") .. "-" .. thread_number
  interval = 1000 / rate
  -- Threads start a slot apart so they interleave instead of sending in pairs.
  first_slot = now_ms() + 200 + thread_number * interval / thread_count
  next_slot = first_slot
  stop_slot = first_slot + tonumber(os.getenv("BENCH_WINDOW")) * 1000
  claimed, claimed_head, claimed_tail = {}, 1, 0  -- slots claimed by delay(), oldest first
  sent, intended = 0, {}           -- request number -> its slot
  math.randomseed(1000 + thread_number)
  -- What the main state collects: "done_ms latency_ms status" per response, and counters.
  results, max_send_lag = {}, 0
  -- wrk calls request() once on the first thread before any connection opens, only to count
  -- the requests it returns (script_verify_request in wrk.c); nothing is sent. That call must
  -- not count as a request, or every step shows one request without an answer.
  format_check = thread_number == 0
end

function delay()
  local slot = next_slot
  if slot >= stop_slot then
    return 3600 * 1000  -- the schedule is over: stay quiet until wrk's -d ends
  end
  next_slot = slot + interval
  claimed_tail = claimed_tail + 1
  claimed[claimed_tail] = slot
  local wait = slot - now_ms()
  return wait > 0 and math.floor(wait) or 0
end

local function report_request(number, client_id)
  local worker = workers[math.random(#workers)]
  local lat, lon = worker.points[math.random(#worker.points)]:match("([^,]+),([^,]+)")
  local body = string.format(
    '{"lat":%s,"lon":%s,"accuracy_m":%d,"category":"%s","description":"%s",' ..
    '"address":"No. %d, Bench Road","client_id":"%s"}',
    lat, lon, math.random(3, 30), categories[math.random(#categories)],
    DESCRIPTIONS[math.random(#DESCRIPTIONS)], number, client_id)
  return wrk.format("POST", "/api/v1/incidents",
    { ["Authorization"] = "Bearer " .. worker.token, ["Content-Type"] = "application/json",
      ["Accept-Language"] = "zh" }, body)
end

function request()
  if format_check then
    format_check = false
    return report_request(0, prefix .. "-check")
  end
  local now = now_ms()
  local slot = now
  if claimed_head <= claimed_tail then
    slot = claimed[claimed_head]
    claimed[claimed_head] = nil
    claimed_head = claimed_head + 1
  end
  if now - slot > max_send_lag then max_send_lag = now - slot end
  sent = sent + 1
  intended[sent] = slot
  return report_request(sent, prefix .. "-" .. sent)
end

function response(status, headers, body)
  local now = now_ms()
  local number = tonumber(body:match('"address":%s*"No%. (%d+), Bench Road"') or "")
  local slot = number and intended[number]
  if slot then
    intended[number] = nil
    results[#results + 1] = string.format("%.1f %.2f %d", now - first_slot, now - slot, status)
  else  -- an error body names no address: counted by its status and problem code
    local code = body:match('"code":%s*"([^"]+)"') or "-"
    results[#results + 1] = string.format("%.1f nan %d %s", now - first_slot, status, code)
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  local sent_total, lag = 0, 0
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("results")) do out:write(line, "\n") end
    sent_total = sent_total + thread:get("sent")
    lag = math.max(lag, thread:get("max_send_lag"))
  end
  local e = summary.errors
  out:write(string.format("# sent %d connect %d read %d write %d timeout %d max_send_lag_ms %.1f\n",
    sent_total, e.connect, e.read, e.write, e.timeout, lag))
  out:close()
end
