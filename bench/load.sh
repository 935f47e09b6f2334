#!/usr/bin/env bash
# Load benchmark of the open pixel and the click redirect (not a test): Debian's wrk against Letterpress
# (`serve`, embedded H2) and, side by side in the same run, against Debian's nginx serving a static 43-byte GIF
# on the same machine. Prints requests/s and p99 latency per target and run, the medians, the ratio to nginx,
# and checks that the stored event count equals the number of successful tracked requests.
#
#   apt-get install -y wrk nginx-light        # once (root)
#   mvn -q package -DskipTests                # builds target/letterpress.jar
#   bench/load.sh                             # RUNS=5 DURATION=10s CONNECTIONS=64 THREADS=2 to change
#   SERVE_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/serve.jfr' bench/load.sh   # to profile the server
#
# Every request carries a valid token of a real (cancelled, never sent) campaign made by
# `letterpress bench tokens`; clicks go to links registered for it. The count check runs a final pass in which
# every wrk thread sends a fixed number of tracked requests (then only /health), so no tracked request is left
# in flight when wrk stops, and compares with `letterpress bench events`.
set -euo pipefail

RUNS=${RUNS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
LP_PORT=${LP_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
QUOTA=${QUOTA:-5000}
HEAP=${HEAP:-512m}

cd "$(dirname "$0")/.."
JAR=target/letterpress.jar
for tool in wrk nginx java; do
  command -v "$tool" >/dev/null || { echo "bench/load.sh needs $tool (apt-get install -y wrk nginx-light; a JDK 17)"; exit 1; }
done
[ -f "$JAR" ] || { echo "build the jar first: mvn -q package -DskipTests"; exit 1; }

WORK=$(mktemp -d /tmp/letterpress-load.XXXXXX)
chmod 755 "$WORK" # nginx's workers run as another user and must read the GIF
LP_PID=
cleanup() {
  # a graceful stop: the server writes every queued event before it exits
  if [ -n "$LP_PID" ]; then
    kill "$LP_PID" 2>/dev/null || true; wait "$LP_PID" 2>/dev/null || true
    # the event writer's CPU per event (logged at stop): it shares the cores with the requests
    grep -o 'event writer: .*' "$WORK/serve.log" 2>/dev/null || true
  fi
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$WORK/letterpress.properties" <<CONF
data.dir = $WORK/data
http.port = $LP_PORT
public.base.url = http://localhost:$LP_PORT
CONF
# DB_URL='jdbc:h2:...' to try other H2 settings ({dir} stands for the data directory)
if [ -n "${DB_URL:-}" ]; then echo "db.url = ${DB_URL//\{dir\}/$WORK/data}" >> "$WORK/letterpress.properties"; fi
lp() { java -Xmx"$HEAP" -jar "$JAR" --config "$WORK/letterpress.properties" "$@"; }

lp bench tokens --out "$WORK" --subscribers 20000 --links 20 >/dev/null
CAMPAIGN=$(cat "$WORK/campaign")
echo /health > "$WORK/health.txt"

LETTERPRESS_LOG_LEVEL=${LETTERPRESS_LOG_LEVEL:-INFO} java -Xmx"$HEAP" ${SERVE_JAVA_OPTS:-} -jar "$JAR" --config "$WORK/letterpress.properties" serve > "$WORK/serve.log" 2>&1 &
LP_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$LP_PORT/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$LP_PORT/health" >/dev/null || { echo "serve did not start:"; tail -20 "$WORK/serve.log"; exit 1; }

# nginx: the same 43-byte GIF as a static file, with the same no-cache headers, on every path
mkdir -p "$WORK/www" "$WORK/nginx-tmp"
printf 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==' | base64 -d > "$WORK/www/pixel.gif"
cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-tmp; proxy_temp_path $WORK/nginx-tmp; fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp; scgi_temp_path $WORK/nginx-tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location / {
      default_type image/gif;
      add_header Cache-Control "no-store, no-cache, must-revalidate, max-age=0";
      try_files /pixel.gif =404;
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.5

run_wrk() { # url paths-file [quota] -> RESULT line
  PATHS="$2" QUOTA="${3:-0}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/tracking.lua "$1" | grep '^RESULT'
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "warm-up (the JIT compiles for about 20 s of load; measured before, the first run is half as fast) ..."
DURATION=${WARMUP:-12s} run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/pixel.txt" >/dev/null
DURATION=${WARMUP:-12s} run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/click.txt" >/dev/null

: > "$WORK/results"
for run in $(seq 1 "$RUNS"); do
  for target in nginx pixel click health; do
    case $target in
      health) line=$(run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/health.txt") ;;
      nginx) line=$(run_wrk "http://127.0.0.1:$NGINX_PORT" "$WORK/pixel.txt") ;;
      pixel) line=$(run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/pixel.txt") ;;
      click) line=$(run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/click.txt") ;;
    esac
    echo "run $run $target $line" | tee -a "$WORK/results"
  done
done

echo
printf '%-6s %12s %10s\n' target "req/s (med)" "p99 ms"
for target in nginx pixel click health; do
  rps=$(grep " $target RESULT" "$WORK/results" | field rps | median)
  p99=$(grep " $target RESULT" "$WORK/results" | field p99_ms | median)
  printf '%-6s %12.0f %10.2f\n' "$target" "$rps" "$p99"
  eval "RPS_$target=$rps"
done
awk -v n="$RPS_nginx" -v p="$RPS_pixel" -v c="$RPS_click" \
  'BEGIN { printf "ratio to nginx: pixel %.0f%%, click %.0f%% (target: >= 50%%, p99 < 50 ms)\n", 100*p/n, 100*c/n }'
echo "(health: Letterpress's /health, no token and no event: the web stack's own ceiling)"

# the exact count check: every thread sends QUOTA tracked requests, then only /health. First wait until the
# events of the timed runs are all written (the count stops moving).
events() { lp bench events --campaign "$CAMPAIGN" 2>/dev/null | tail -1; }
BEFORE=$(events)
while sleep 2; NOW=$(events); [ "$NOW" != "$BEFORE" ]; do BEFORE=$NOW; done
P=$(DURATION=${CHECK_DURATION:-10s} run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/pixel.txt" "$QUOTA")
C=$(DURATION=${CHECK_DURATION:-10s} run_wrk "http://127.0.0.1:$LP_PORT" "$WORK/click.txt" "$QUOTA")
OK=$(( $(echo "$P" | field tracked) + $(echo "$C" | field tracked) ))
sleep 2 # written within about a second
AFTER=$(events)
STORED=$((AFTER - BEFORE))
echo "count check: $OK successful tracked requests, $STORED events stored"
# (wrk calls request() once at start-up to inspect the script's request, which it never sends, so one per wrk
# run fewer than THREADS x QUOTA go out: the check compares with what the server answered, not with the quota)
if [ "$OK" -eq "$STORED" ] && [ "$OK" -gt 0 ]; then
  echo "count check: OK"
else
  echo "count check: MISMATCH"
  exit 2
fi
