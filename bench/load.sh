#!/usr/bin/env bash
# Load benchmark for cloverdx-mcp: one stateless MCP tools/call (revision
# 2026-07-28, echo_arguments from the C example plugin) hammered by wrk over
# loopback. Prints cold start, throughput, latency, RSS and error counts.
#
# Environment:
#   BENCH_DURATION     wrk duration in seconds (default 10)
#   BENCH_CONNECTIONS  wrk connections (default 50)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_SKIP_BUILD   1 = use the existing release build
set -euo pipefail

DURATION="${BENCH_DURATION:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
READY_TIMEOUT_S=30

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$DURATION" =~ ^[0-9]+$ ]] && (( DURATION > 0 && DURATION <= 3600 )) \
  || die "BENCH_DURATION must be an integer number of seconds in 1..3600"

# --- tools -------------------------------------------------------------------
need_pkgs=()
command -v wrk  >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if (( ${#need_pkgs[@]} )); then
  log "installing ${need_pkgs[*]} with apt-get"
  SUDO=""
  (( EUID == 0 )) || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}"
fi

# --- build -------------------------------------------------------------------
cd "$ROOT"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "swift build -c release"
  swift build -c release >&2
fi
BIN_DIR="$(swift build -c release --show-bin-path)"
BIN="$BIN_DIR/cloverdx-mcp"
PLUGIN="$BIN_DIR/libEchoCPlugin.so"
[[ -x "$BIN" ]]    || die "missing $BIN"
[[ -f "$PLUGIN" ]] || die "missing $PLUGIN"

# --- server lifecycle --------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cloverdx-mcp-bench.XXXXXX")"
SRV_PID=""
SAMPLER_PID=""
WRK_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$WRK_PID" ]]; then kill "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" 2>/dev/null || true; fi
  if [[ -n "$SAMPLER_PID" ]]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; fi
  if [[ -n "$SRV_PID" ]] && kill -0 "$SRV_PID" 2>/dev/null; then
    kill -TERM "$SRV_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf '{"plugins":[{"id":"echo-c","path":"%s"}]}\n' "$PLUGIN" > "$TMP/plugins.json"

BODY='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo_arguments","arguments":{"text":"hi"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
call_once() { # $1 = port; prints the response body, fails on non-200
  curl -sS --fail --max-time 2 "http://127.0.0.1:$1/mcp" \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2026-07-28' \
    -H 'Mcp-Method: tools/call' \
    -H 'Mcp-Name: echo_arguments' \
    --data-binary "$BODY"
}
kb_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Port 0: the server picks a free loopback port and logs it on stderr.
log "starting server"
t0=$(date +%s%N)
"$BIN" serve --http 127.0.0.1:0 --plugins "$TMP/plugins.json" --log-level notice \
  >"$TMP/server.out" 2>"$TMP/server.err" &
SRV_PID=$!

PORT=""
deadline=$(( t0 + READY_TIMEOUT_S * 1000000000 ))
while :; do
  if ! kill -0 "$SRV_PID" 2>/dev/null; then
    cat "$TMP/server.err" >&2; die "server exited during start-up"
  fi
  (( $(date +%s%N) < deadline )) || { cat "$TMP/server.err" >&2; die "server not answering after ${READY_TIMEOUT_S}s"; }
  if [[ -z "$PORT" ]]; then
    PORT="$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*/' "$TMP/server.err" 2>/dev/null | head -1 | grep -o '[0-9]*/$' | tr -d / || true)"
  fi
  if [[ -n "$PORT" ]] && resp="$(call_once "$PORT" 2>/dev/null)" && [[ "$resp" == *'"result"'* ]]; then
    break
  fi
  sleep 0.005
done
t1=$(date +%s%N)
COLD_MS=$(( (t1 - t0) / 1000000 ))
log "server pid $SRV_PID on port $PORT; first tools/call answered after ${COLD_MS} ms"
[[ "$resp" == *'"isError":false'* ]] || die "unexpected first answer: $resp"

sleep 1
IDLE_KB="$(kb_field "$SRV_PID" VmRSS)"

# Sample VmRSS while wrk runs (VmHWM afterwards is the kernel's exact peak).
( peak=0
  while kill -0 "$SRV_PID" 2>/dev/null; do
    v="$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$SRV_PID/status" 2>/dev/null || echo 0)"
    (( ${v:-0} > peak )) && peak=$v && echo "$peak" > "$TMP/rss_peak"
    sleep 0.1
  done ) &
SAMPLER_PID=$!

log "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
# In the background + wait, so that INT/TERM run the trap at once instead of after wrk.
timeout $(( DURATION + 60 )) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency \
  -s "$BENCH_DIR/tools_call.lua" "http://127.0.0.1:$PORT/mcp" > "$TMP/wrk.out" 2>&1 &
WRK_PID=$!
WRK_RC=0
wait "$WRK_PID" || WRK_RC=$?
WRK_PID=""
kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""

grep -v '^BENCH ' "$TMP/wrk.out" >&2 || true
(( WRK_RC == 0 )) || die "wrk failed (exit $WRK_RC)"
kill -0 "$SRV_PID" 2>/dev/null || { cat "$TMP/server.err" >&2; die "server died during the run"; }

call_once "$PORT" | grep -q '"result"' || die "server no longer answers tools/call after the run"
PEAK_KB="$(kb_field "$SRV_PID" VmHWM)"
SAMPLED_KB="$(cat "$TMP/rss_peak" 2>/dev/null || echo 0)"
AFTER_KB="$(kb_field "$SRV_PID" VmRSS)"

val() { awk -v k="$1" '$1 == "BENCH" && $2 == k { print $3 }' "$TMP/wrk.out"; }
NON2XX="$(val non2xx)"; SOCKERR="$(val socket_errors)"; NORESULT="$(val no_result)"
ERRORS=$(( NON2XX + SOCKERR + NORESULT ))

echo
echo "cloverdx-mcp load: tools/call echo_arguments (stateless 2026-07-28), wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(nproc) CPUs"
printf '%-22s %s\n' "metric" "value"
printf '%-22s %s\n' "cold start (ms)"     "$COLD_MS"
printf '%-22s %s\n' "requests"            "$(val requests)"
printf '%-22s %s\n' "requests/s"          "$(val rps)"
printf '%-22s %s\n' "p50 latency (ms)"    "$(val p50_ms)"
printf '%-22s %s\n' "p99 latency (ms)"    "$(val p99_ms)"
printf '%-22s %s\n' "max latency (ms)"    "$(val max_ms)"
printf '%-22s %s\n' "idle RSS (MB)"       "$(mb "$IDLE_KB")"
printf '%-22s %s\n' "peak RSS (MB)"       "$(mb "$PEAK_KB") (sampled $(mb "$SAMPLED_KB"))"
printf '%-22s %s\n' "RSS after run (MB)"  "$(mb "$AFTER_KB")"
printf '%-22s %s\n' "errors"              "$ERRORS (non-2xx $NON2XX, socket $SOCKERR, no \"result\" $NORESULT)"
if grep -q '^BENCH first_bad' "$TMP/wrk.out"; then
  printf '%-22s %s\n' "first bad response" "$(grep '^BENCH first_bad' "$TMP/wrk.out" | cut -d' ' -f3-)"
fi

(( ERRORS == 0 )) || exit 1
