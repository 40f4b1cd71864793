-- wrk script: POSTs CloudEvents of about 300 bytes each, EVENTS per request (env BENCH_EVENTS, default 1).
-- Every event gets a unique id (run tag + thread + counter), so downstream de-duplication never hides work.
local events = tonumber(os.getenv("BENCH_EVENTS") or "1")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local counter = 0
local padding = string.rep("x", 88)
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_tag", run .. "-" .. threads)
end

local headers = {}
headers["Content-Type"] = events == 1 and "application/cloudevents+json" or "application/cloudevents-batch+json"
if os.getenv("BENCH_KEY") then
  headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
end

local function event(n)
  return '{"specversion":"1.0","id":"' .. thread_tag .. '-' .. n .. '","source":"/bench/loadgen",'
    .. '"type":"com.example.bench.reading","subject":"sensor-' .. (n % 100) .. '",'
    .. '"time":"2026-11-28T10:00:00Z","datacontenttype":"application/json",'
    .. '"data":{"sensor":"s-17","temperature":21.5,"humidity":0.43,"note":"' .. padding .. '"}}'
end

request = function()
  if events == 1 then
    counter = counter + 1
    return wrk.format("POST", "/v1/events", headers, event(counter))
  end
  local parts = {}
  for i = 1, events do
    counter = counter + 1
    parts[i] = event(counter)
  end
  return wrk.format("POST", "/v1/events", headers, "[" .. table.concat(parts, ",") .. "]")
end
