-- Each wrk thread owns one connection (run with -t N -c N) and replays its own list of
-- prepared requests, one after another: <dir>/<thread>.tsv, one request a line:
--   method <TAB> path <TAB> cookie <TAB> form body <TAB> expected status <TAB> Location part
-- Args: <dir> cycle|once. "cycle" starts the list again at its end (reading pages);
-- "once" stops the thread after its last request (quiz answers: each can be sent once).
-- A response is counted as expected only with the expected status and, when given, a
-- Location header containing the expected part; anything else is an error.

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  cycle = args[2] == "cycle"
  requests, statuses, locations = {}, {}, {}
  for line in io.lines(dir .. "/" .. id .. ".tsv") do
    local method, path, cookie, body, status, location =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    if body ~= "" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(requests, wrk.format(method, path, headers, body))
    table.insert(statuses, tonumber(status))
    table.insert(locations, location)
  end
  expected, unexpected, first_unexpected, finished = 0, 0, "", 0
  -- wrk calls thread 0's request() once more, right after init(), to inspect the request
  -- (wrk.c, script_verify_request): that call must not use up a request of the list.
  index = (id == 0) and -1 or 0
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[math.max(index, 1)]
end

function response(status, headers, body)
  local want = locations[index]
  local location = headers["Location"] or headers["location"] or ""
  if status == statuses[index] and (want == "" or location:find(want, 1, true)) then
    expected = expected + 1
  else
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = status .. " " .. location
    end
  end
  if not cycle and index >= #requests then
    -- Out of requests before the end: the phase's rate would be capped by the list's length.
    finished = 1
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local ok, bad, first, ran_out = 0, 0, "", 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("expected")
    bad = bad + thread:get("unexpected")
    ran_out = ran_out + thread:get("finished")
    if first == "" then first = thread:get("first_unexpected") end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d expected=%d unexpected=%d connect=%d read=%d " ..
    "write=%d status=%d timeout=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d ran_out=%d " ..
    "first=%q\n",
    summary.requests, summary.duration, ok, bad, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, ran_out, first))
end
