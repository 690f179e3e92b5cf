-- wrk: POST a v2 registrant (JSON, bearer BENCH_TOKEN) with a new e-mail every time; count
-- answers that are not 201.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
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
  local body = '{"first_name":"B","last_name":"P","email":"v' .. tag .. "n" .. counter .. '@bench.test"}'
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  if status ~= 201 then failures = failures + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("failures") end
  io.write(string.format("ENVELOPE_ERRORS %d\n", total))
end
