-- wrk script: one stateless MCP tools/call (revision 2026-07-28) per request.
-- Counts responses whose body lacks "result" (per thread), and prints a
-- machine-readable summary from done() as "BENCH key value" lines.

wrk.method = "POST"
wrk.path   = os.getenv("BENCH_PATH") or "/mcp"
-- BENCH_TOOL / BENCH_ARGUMENTS (a JSON object) pick another tool; default echo_arguments {"text":"hi"}.
local tool      = os.getenv("BENCH_TOOL") or "echo_arguments"
local arguments = os.getenv("BENCH_ARGUMENTS") or '{"text":"hi"}'
wrk.body   = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. arguments .. ',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
wrk.headers["Content-Type"]         = "application/json"
wrk.headers["Accept"]               = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
wrk.headers["Mcp-Method"]           = "tools/call"
wrk.headers["Mcp-Name"]             = tool

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   bad = 0        -- responses without "result" (JSON-RPC error or garbage)
   responses = 0
   first_bad = nil
end

function response(status, headers, body)
   responses = responses + 1
   if body == nil or not string.find(body, '"result"', 1, true) then
      bad = bad + 1
      if first_bad == nil then
         first_bad = tostring(status) .. " " .. string.sub(tostring(body), 1, 200)
      end
   end
end

function done(summary, latency, requests)
   local bad_total, resp_total, sample = 0, 0, nil
   for _, t in ipairs(threads) do
      bad_total  = bad_total + (t:get("bad") or 0)
      resp_total = resp_total + (t:get("responses") or 0)
      sample = sample or t:get("first_bad")
   end
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format("BENCH requests %d\n", summary.requests))
   io.write(string.format("BENCH duration_s %.3f\n", secs))
   io.write(string.format("BENCH rps %.1f\n", summary.requests / secs))
   io.write(string.format("BENCH p50_ms %.3f\n", latency:percentile(50) / 1000))
   io.write(string.format("BENCH p99_ms %.3f\n", latency:percentile(99) / 1000))
   io.write(string.format("BENCH max_ms %.3f\n", latency.max / 1000))
   io.write(string.format("BENCH non2xx %d\n", e.status))
   io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
   io.write(string.format("BENCH no_result %d\n", bad_total))
   io.write(string.format("BENCH responses_checked %d\n", resp_total))
   if sample then
      io.write("BENCH first_bad " .. string.gsub(sample, "\n", " ") .. "\n")
   end
end
