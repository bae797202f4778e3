-- POSTs for the registration benchmark: every request a new e-mail address.
--   BENCH_TARGET=eventhub  POST /api/missions/$BENCH_SLUG/registrations {name, email, session_ids: [$BENCH_SESSION]}
--   BENCH_TARGET=bare      POST /seats/$BENCH_SESSION/claims {email}
-- BENCH_RUN tags the addresses of one run; done() prints the answers by status.

local target = os.getenv("BENCH_TARGET") or "eventhub"
local slug = os.getenv("BENCH_SLUG") or ""
local session = os.getenv("BENCH_SESSION") or "1"
local run = os.getenv("BENCH_RUN") or "0"

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

counter = 0
statuses = {}

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if target == "bare" then
    wrk.path = "/seats/" .. session .. "/claims"
  else
    wrk.path = "/api/missions/" .. slug .. "/registrations"
  end
end

function request()
  counter = counter + 1
  local email = string.format("r%s-t%d-%d@bench.example.org", run, tid, counter)
  local body
  if target == "bare" then
    body = string.format('{"email":"%s"}', email)
  else
    body = string.format('{"name":"Bench Attendee","email":"%s","session_ids":[%s]}', email, session)
  end
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("STATUS %d %d\n", status, count))
  end
end
