-- Report intake for bench/scale/bench_scale.py: grid workers POST reports to /api/v1/incidents.
--
--   wrk -t1 -c8 -d60s -s bench/scale/intake.lua http://127.0.0.1:PORT/api/v1/incidents \
--       -- WORKERS_FILE ACCEPTED_FILE CLIENT_ID_PREFIX
--
-- WORKERS_FILE has one grid worker per line: "token x0 y0 x1 y1" (the grid's box, WGS-84);
-- requests rotate over them, each a random point in that worker's grid with a unique client_id.
-- The case number of every 201 is appended to ACCEPTED_FILE, so the bench can find each accepted
-- report in the database. done() prints one JSON line: counts, errors and latency.

local categories = {"event:0102", "event:0103", "event:0104"}
local workers, accepted, prefix = {}, nil, nil
local sent = 0
local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

function init(args)
   for line in io.lines(args[1]) do
      local token, x0, y0, x1, y1 = line:match("^(%S+) (%S+) (%S+) (%S+) (%S+)$")
      workers[#workers + 1] = {token = token, x0 = tonumber(x0), y0 = tonumber(y0),
                               x1 = tonumber(x1), y1 = tonumber(y1)}
   end
   accepted = io.open(args[2], "a")
   accepted:setvbuf("line")  -- wrk never closes the file: write each line through
   prefix = args[3] .. "-" .. thread_number
   math.randomseed(os.time() + thread_number)
end

function request()
   sent = sent + 1
   local w = workers[sent % #workers + 1]
   local lon = w.x0 + (w.x1 - w.x0) * (0.05 + 0.9 * math.random())
   local lat = w.y0 + (w.y1 - w.y0) * (0.05 + 0.9 * math.random())
   local body = string.format(
      '{"lat": %.6f, "lon": %.6f, "accuracy_m": 8, "category": "%s", "client_id": "%s-%d", ' ..
      '"description": "路边堆放垃圾，需清运 (bench)"}',
      lat, lon, categories[sent % #categories + 1], prefix, sent)
   return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. w.token,
                                   ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
   if status == 201 then
      accepted:write(body:match('"case_number": *"([^"]+)"'), "\n")
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_s": %.3f, "connect_errors": %d, "read_errors": %d, ' ..
      '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_ms": %.1f, ' ..
      '"p90_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
      summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
end
