#!/usr/bin/env bash
# product-service against nginx on one core (issue 7's benchmark): nginx
# (Debian's package) serves a static 12-byte body, product-service a GET of
# one product by id; each pinned to CPU 0 (one worker, one thread), wrk on
# CPU 1 with keep-alive connections. Rounds alternate the servers (and
# product-service once more without its read cache, --no-read-cache); the
# medians and their ratios are printed (and written as JSON with --json).
#
#   bench/services/http_vs_nginx.sh [--rounds 3] [--duration 10s]
#       [--connections 64] [--json FILE] [--bin DIR] [--smoke]
#
# --smoke: one round of 1 s, no JSON; for ctest (checks that it runs).
# Needs nginx, wrk and taskset (scripts/dev deps installs them) and 2 CPUs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$root/build/bin
rounds=3
duration=10s
connections=64
json=
target=product
while (($#)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;  # product (default) or example (the HTTP library's demo)
    --smoke) rounds=1; duration=1s; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "http_vs_nginx: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for tool in nginx wrk taskset; do
  command -v "$tool" >/dev/null || { echo "http_vs_nginx: $tool is missing (scripts/dev deps)" >&2; exit 2; }
done
(($(nproc) >= 2)) || { echo "http_vs_nginx: needs 2 CPUs (server on 0, wrk on 1)" >&2; exit 2; }

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits until 127.0.0.1:$1 accepts a connection (30 s at most).
wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "http_vs_nginx: nothing listens on port $1 after 30 s" >&2
  return 1
}

# One HTTP request over bash's /dev/tcp; prints the status line.
http() {
  local port=$1 method=$2 path=$3 body=${4:-}
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s %s HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$method" "$path" "${#body}" "$body" >&3
  head -1 <&3
  exec 3<&-
}

# wrk from CPU 1; prints "requests/s p99_ms".
drive() {
  local url=$1 out
  out=$(taskset -c 1 wrk -t1 -c"$connections" -d"$duration" --latency "$url")
  awk '/Requests\/sec:/ {rps=$2}
       $1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
       /Non-2xx or 3xx responses:/ {bad=$NF}
       END {if (bad > 0) {print "non-2xx answers: " bad > "/dev/stderr"; exit 1}; printf "%s %s\n", rps, p99}' <<<"$out"
}

nginx_round() {
  local port conf prefix=$tmp/nginx
  port=$(free_port)
  mkdir -p "$prefix/logs"
  conf=$prefix/nginx.conf
  cat >"$conf" <<CONF
worker_processes 1;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$port;
    location = /hello { default_type text/plain; return 200 "hello, world"; }
  }
}
CONF
  taskset -c 0 nginx -p "$prefix" -c "$conf" &
  local pid=$!
  pids+=("$pid")
  wait_port "$port"
  drive "http://127.0.0.1:$port/hello"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

service_round() {
  local extra=("$@") port pid data=$tmp/data-$RANDOM
  port=$(free_port)
  mkdir -p "$data"
  if [[ $target == product ]]; then
    taskset -c 0 "$bin/product-service" --port "$port" --threads 1 --data-dir "$data" \
      --log-level warn "${extra[@]}" >"$tmp/service.log" 2>&1 &
  else
    taskset -c 0 "$bin/ksim-http-example" --port "$port" --threads 1 --log-level warn \
      >"$tmp/service.log" 2>&1 &
  fi
  pid=$!
  pids+=("$pid")
  wait_port "$port"
  local path=/items/p-1
  if [[ $target == product ]]; then
    path=/api/v1/products/p-1
    local status
    status=$(http "$port" POST /api/v1/products \
      '{"id":"p-1","name":"Espresso cup","description":"Porcelain, 90 ml","price":12.5,"currency":"EUR","stock":1000,"category":"kitchen"}')
    [[ $status == *" 201 "* ]] || { echo "http_vs_nginx: creating p-1 answered: $status" >&2; exit 1; }
  fi
  drive "http://127.0.0.1:$port$path"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

nginx_rps=() nginx_p99=() svc_rps=() svc_p99=() raw_rps=() raw_p99=()
for ((r = 1; r <= rounds; r++)); do
  read -r a b < <(nginx_round)
  nginx_rps+=("$a") nginx_p99+=("$b")
  read -r a b < <(service_round)
  svc_rps+=("$a") svc_p99+=("$b")
  line=$(printf 'round %d: nginx %s req/s (p99 %s ms), %s %s req/s (p99 %s ms)' "$r" \
    "${nginx_rps[-1]}" "${nginx_p99[-1]}" "$target" "${svc_rps[-1]}" "${svc_p99[-1]}")
  if [[ $target == product ]]; then
    # The same without product-service's per-thread read cache: SQLite read
    # on every request.
    read -r a b < <(service_round --no-read-cache)
    raw_rps+=("$a") raw_p99+=("$b")
    line+=$(printf ', without its read cache %s req/s (p99 %s ms)' "${raw_rps[-1]}" "${raw_p99[-1]}")
  fi
  echo "$line" >&2
done
n_rps=$(printf '%s\n' "${nginx_rps[@]}" | median)
n_p99=$(printf '%s\n' "${nginx_p99[@]}" | median)
s_rps=$(printf '%s\n' "${svc_rps[@]}" | median)
s_p99=$(printf '%s\n' "${svc_p99[@]}" | median)
ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN {printf "%.3f", a / b}')
printf '%-28s %12s %10s %8s\n' server "req/s" "p99 ms" "ratio"
printf '%-28s %12.0f %10.3f %8s\n' nginx "$n_rps" "$n_p99" 1
printf '%-28s %12.0f %10.3f %8s\n' "$target-service" "$s_rps" "$s_p99" "$ratio"
raw_json=
if ((${#raw_rps[@]})); then
  w_rps=$(printf '%s\n' "${raw_rps[@]}" | median)
  w_p99=$(printf '%s\n' "${raw_p99[@]}" | median)
  w_ratio=$(awk -v a="$w_rps" -v b="$n_rps" 'BEGIN {printf "%.3f", a / b}')
  printf '%-28s %12.0f %10.3f %8s\n' "$target-service, no cache" "$w_rps" "$w_p99" "$w_ratio"
  raw_json=$(printf ',"service_without_read_cache":{"rps":%s,"p99_ms":%s,"ratio":%s}' "$w_rps" "$w_p99" "$w_ratio")
fi
echo "medians of $rounds rounds of $duration, $connections connections, one core each"
if [[ -n $json ]]; then
  printf '{"rounds":%d,"duration":"%s","connections":%d,"nginx":{"rps":%s,"p99_ms":%s},"service":{"name":"%s","rps":%s,"p99_ms":%s},"ratio":%s%s}\n' \
    "$rounds" "$duration" "$connections" "$n_rps" "$n_p99" "$target" "$s_rps" "$s_p99" "$ratio" "$raw_json" >"$json.partial"
  mv "$json.partial" "$json"
fi
