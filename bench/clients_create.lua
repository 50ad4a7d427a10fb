-- wrk script: POST /api/v1/clients, a new client with a new phone per request (+7998…,
-- never made by the generator), for bench/clients_bench.sh's create phase. wrk's own
-- client costs a few µs a request, so the rate measures the server (the Python client of
-- the other phases spends 0.2–0.3 ms of CPU a request).
--   TOKEN=… PHONE_BASE=N wrk -t1 -c1 -d10s -s bench/clients_create.lua http://127.0.0.1:PORT
local counter = 0
local base = tonumber(os.getenv("PHONE_BASE") or "0")
local names = {
  {"Тестов", "Тест", "Тестович"}, {"Бенчева", "Мария", "Ивановна"}, {"Создаев", "Пётр", "Семёнович"}}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

request = function()
  counter = counter + 1
  local n = names[(counter % 3) + 1]
  local body = string.format(
    '{"last_name":"%s","first_name":"%s","middle_name":"%s","phone":"+7998%07d"}',
    n[1], n[2], n[3], (base + counter) % 10000000)
  return wrk.format(nil, "/api/v1/clients", nil, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read +
              summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "create: %d requests in %.1f s = %.0f/s (not 201: %d); p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, seconds, (summary.requests - bad) / seconds, bad,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
