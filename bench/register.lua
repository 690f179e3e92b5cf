-- wrk: POST webinar/register with a new e-mail every time; count non-success answers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local base = os.getenv("BENCH_BODY")
local threads = {}
local next_tag = 0
function setup(thread)
  next_tag = next_tag + 1
  thread:set("tag", next_tag)
  table.insert(threads, thread)
end
function init(args) failures = 0; counter = 0 end
function request()
  counter = counter + 1
  local body = base .. "&email=t" .. tag .. "n" .. counter .. "%40bench.test"
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"error"', 1, true) then failures = failures + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("failures") end
  io.write(string.format("ENVELOPE_ERRORS %d\n", total))
end
