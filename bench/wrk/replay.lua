-- Each wrk thread owns one connection (run with -t N -c N) and replays its own list of
-- prepared requests, one after another: <dir>/<thread>.tsv, one request a line:
--   method <TAB> path <TAB> cookie <TAB> form body <TAB> expected status <TAB> Location part
-- Args: <dir> cycle|once. "cycle" starts the list again at its end (reading pages);
-- "once" stops the thread after its last request (quiz answers: each can be sent once).
-- A response is counted as expected only with the expected status and, when given, a
-- Location header containing the expected part; anything else is an error.
-- Like a browser, each learner keeps the cookies the server sets (Set-Cookie): the app
-- re-signs a session cookie once it is a minute old, and a client that kept sending the old
-- one would have every later request re-signed, which no browser causes.

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
  -- parts[i]: what request i is made of; learner[i]: its cookie as listed, which names the
  -- learner in `jar` (their cookies now); sent_with[i]: the cookies requests[i] carries.
  parts, learner, sent_with, jar = {}, {}, {}, {}
  for line in io.lines(dir .. "/" .. id .. ".tsv") do
    local method, path, cookie, body, status, location =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if body == "" then body = nil end
    table.insert(parts, {method, path, body})
    table.insert(learner, cookie)
    table.insert(sent_with, cookie)
    jar[cookie] = cookie
    table.insert(requests, build_request(method, path, cookie, body))
    table.insert(statuses, tonumber(status))
    table.insert(locations, location)
  end
  expected, unexpected, first_unexpected, finished, reissued = 0, 0, "", 0, 0
  -- wrk calls thread 0's request() once more, right after init(), to inspect the request
  -- (wrk.c, script_verify_request): that call must not use up a request of the list.
  index = (id == 0) and -1 or 0
end

function build_request(method, path, cookie, body)
  local headers = {}
  if cookie ~= "" then headers["Cookie"] = cookie end
  if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(method, path, headers, body)
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  local i = math.max(index, 1)
  local cookie = jar[learner[i]]
  if sent_with[i] ~= cookie then
    requests[i] = build_request(parts[i][1], parts[i][2], cookie, parts[i][3])
    sent_with[i] = cookie
  end
  return requests[i]
end

-- The learner's Cookie header with one cookie ("name=value; attributes") set or replaced.
function with_cookie(cookies, set_cookie)
  local name, value = set_cookie:match("^%s*([^=;]+)=([^;]*)")
  if not name then return cookies end
  local kept = {}
  for pair in cookies:gmatch("[^;]+") do
    local each = pair:match("^%s*(.-)%s*$")
    if each ~= "" and each:match("^([^=]+)=") ~= name then table.insert(kept, each) end
  end
  if value ~= "" then table.insert(kept, name .. "=" .. value) end
  return table.concat(kept, "; ")
end

function response(status, headers, body)
  local set_cookie = headers["Set-Cookie"] or headers["set-cookie"]
  if set_cookie then
    reissued = reissued + 1
    local key = learner[math.max(index, 1)]
    jar[key] = with_cookie(jar[key], set_cookie)
  end
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
  local ok, bad, first, ran_out, cookies = 0, 0, "", 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("expected")
    bad = bad + thread:get("unexpected")
    ran_out = ran_out + thread:get("finished")
    cookies = cookies + thread:get("reissued")
    if first == "" then first = thread:get("first_unexpected") end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d expected=%d unexpected=%d connect=%d read=%d " ..
    "write=%d status=%d timeout=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d ran_out=%d " ..
    "cookies=%d first=%q\n",
    summary.requests, summary.duration, ok, bad, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, ran_out, cookies, first))
end
