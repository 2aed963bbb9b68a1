#!/usr/bin/env bash
# The REST benchmark: the conductor's Ironic-compatible API as an operator runs it (the Karaf
# distribution, H2 or PostgreSQL store) measured with wrk, side by side with an Ironic given by URL
# and with a bare Jetty 12 handler answering the same node JSON from memory (the ceiling).
# See benchmarks/BENCHMARKS.md, section "REST API against Ironic 21 and the Jetty ceiling".
#
#   benchmarks/rest-bench.sh [h2] [pg] [ironic]
#   benchmarks/rest-bench.sh summary <results.tsv>...   (min-max over one or more runs' figures)
#
# No target: h2 and pg, plus ironic when IRONIC_URL is set. For each target, with a fresh store:
#   500 nodes (x REPS): 500 creates from 8 clients (from the 2nd repetition the previous 500 are
#     deleted first, also timed), node show with wrk (ours: then the ceiling, same wrk settings,
#     same bytes), node detail with wrk;
#   10,000 nodes: 9,500 more creates from 8 clients, paging the whole /v1/nodes/detail with
#     limit=1000 following `next` (x REPS), one page of 500 (x REPS), node show with wrk and the
#     ceiling (x REPS);
#   RSS of the Karaf JVM (/proc/<pid>/status) at start, with 500 and with 10,000 nodes.
# Every figure is written with the load average read just before it was measured.
#
# Needs: JDK 17, Maven (offline, the project's bundles in ~/.m2), wrk (apt-get install -y wrk), curl;
# the distribution built (mvn -o -q -pl distribution package); for pg Debian's postgresql package
# (the throw-away cluster of bundle-conductor/src/test/pg/start-postgres.sh).
#
# Environment (defaults in brackets):
#   IRONIC_URL      an Ironic v1 API with the fake-hardware driver, noauth [none: no ironic target]
#   IRONIC_PIDS     pids of the Ironic processes, for their RSS (children included) [none]
#   IRONIC_PID_FILE a file with those pids, one a line, read after IRONIC_START [none]
#   IRONIC_START, IRONIC_STOP  shell commands run just before and after the ironic target (and
#                   IRONIC_STOP on an early exit), so that an idle Ironic does not share the CPU
#                   with the other targets [none: the Ironic at IRONIC_URL is already running]
#   API_VERSION     X-OpenStack-Ironic-API-Version on every request [1.31]
#   SMALL, LARGE    node counts [500, 10000]
#   CREATES         creates timed at SMALL [= SMALL], CREATE_CLIENTS [8]
#   REPS            repetitions of each figure [3]
#   DURATION        seconds of each wrk run [10]; WARMUP seconds of the wrk warm-up run before [5]
#   WRK_THREADS     [2]; SHOW_CONNECTIONS [16]; DETAIL_CONNECTIONS [8]
#   PAGE_LIMIT      [1000]
#   DIST            the Karaf assembly to copy [distribution/target/assembly]
#   OUT             results directory [benchmarks/target/rest-bench/<date-time>]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/benchmarks"
API_VERSION=${API_VERSION:-1.31}
SMALL=${SMALL:-500}
LARGE=${LARGE:-10000}
CREATES=${CREATES:-$SMALL}
CREATE_CLIENTS=${CREATE_CLIENTS:-8}
REPS=${REPS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
WRK_THREADS=${WRK_THREADS:-2}
SHOW_CONNECTIONS=${SHOW_CONNECTIONS:-16}
DETAIL_CONNECTIONS=${DETAIL_CONNECTIONS:-8}
PAGE_LIMIT=${PAGE_LIMIT:-1000}
DIST=${DIST:-$root/distribution/target/assembly}
OUT=${OUT:-$bench/target/rest-bench/$(date -u +%Y%m%d-%H%M%S)}

# --- min-max of each figure over its repetitions (also: rest-bench.sh summary <results.tsv>...) ---
summarize() {
  echo "| target | nodes | figure | min-max | unit | runs | load (1 min) min-max |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' 'FNR > 1 {
      key = $1 "\t" $2 "\t" $3 "\t" $6
      if (!(key in n)) { order[++keys] = key; lo[key] = $5; hi[key] = $5 }
      split($7, l, ","); l1 = l[1] + 0
      if (!(key in n) || l1 < llo[key]) llo[key] = l1
      if (!(key in n) || l1 > lhi[key]) lhi[key] = l1
      if ($5 + 0 < lo[key] + 0) lo[key] = $5
      if ($5 + 0 > hi[key] + 0) hi[key] = $5
      n[key]++
      pair = FILENAME "\t" $1 "\t" $2 "\t" $4
      if ($3 == "node show") show[pair] = $5
      if ($3 ~ /^ceiling/) ceil[pair] = $5
    }
    END {
      for (pair in show) {
        if (!(pair in ceil) || ceil[pair] + 0 == 0) continue
        split(pair, f, "\t"); rk = f[2] "\t" f[3]; r = show[pair] / ceil[pair]
        if (!(rk in rn)) { rorder[++rkeys] = rk; rlo[rk] = r; rhi[rk] = r }
        if (r < rlo[rk]) rlo[rk] = r
        if (r > rhi[rk]) rhi[rk] = r
        rn[rk]++
      }
      for (i = 1; i <= keys; i++) {
        k = order[i]; split(k, f, "\t")
        printf "| %s | %s | %s | %s-%s | %s | %d | %.2f-%.2f |\n", f[1], f[2], f[3], lo[k], hi[k], f[4], n[k], llo[k], lhi[k]
        if (f[3] ~ /^ceiling/ && (f[1] "\t" f[2]) in rn) {
          rk = f[1] "\t" f[2]
          printf "| %s | %s | node show / ceiling, same repetition | %.3f-%.3f | ratio | %d | |\n", f[1], f[2], rlo[rk], rhi[rk], rn[rk]
        }
      }
    }' "$@"
}
if [ "${1:-}" = summary ]; then
  shift
  [ $# -gt 0 ] || { echo "usage: $0 summary <results.tsv>..." >&2; exit 2; }
  summarize "$@"
  exit 0
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(h2 pg)
  [ -n "${IRONIC_URL:-}" ] && targets+=(ironic)
fi

say() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/log.txt" >&2; }
die() { say "rest-bench: $*"; exit 1; }

mkdir -p "$OUT/work"
results="$OUT/results.tsv"
printf 'target\tnodes\tscenario\trep\tvalue\tunit\tload (1, 5, 15 min)\tdetails\n' > "$results"

command -v wrk >/dev/null || die "wrk is needed: apt-get install -y wrk"
command -v curl >/dev/null || die "curl is needed"

# --- the Java helpers (RestApiClient, JettyCeiling) on the benchmarks module's class path --------
say "compiling the benchmarks module and writing its class path"
(cd "$root" && mvn -o -q -B -pl benchmarks compile dependency:build-classpath \
  -Dmdep.outputFile=target/rest-bench.classpath -Dmdep.includeScope=runtime) ||
  die "mvn -o -pl benchmarks compile failed"
CP="$bench/target/classes:$(cat "$bench/target/rest-bench.classpath")"
client() { java -Xmx512m -cp "$CP" org.amtpxe.benchmarks.RestApiClient "$@"; }

# --- what runs is stopped at the end, by pid --------------------------------------------------------
karaf_home=""
karaf_pid=""
ceiling_pid=""
pg_dir=""
pg_port=""
ironic_started=""
cleanup() {
  stop_ceiling
  stop_karaf
  stop_pg
  stop_ironic
}
stop_ironic() {
  if [ -n "$ironic_started" ]; then
    say "stopping Ironic: $IRONIC_STOP"
    bash -c "$IRONIC_STOP" >> "$OUT/log.txt" 2>&1 || true
    ironic_started=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' ','; }

record() { # target nodes scenario rep value unit load details
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$results"
  say "$1 $2 nodes: $3 #$4 = $5 $6 (load $7) $8"
}

kv() { # key line: the value of key=value in line
  printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1
}

to_ms() { # wrk's 1.23ms / 456.78us / 1.20s / 2.00m -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.0f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else { printf "?" } }'
}

# wrk_run target nodes scenario rep connections url: one measured wrk run (rep 0: the warm-up)
wrk_run() {
  local target=$1 nodes=$2 scenario=$3 rep=$4 conns=$5 url=$6 load out file secs
  secs=$DURATION
  [ "$rep" = 0 ] && secs=$WARMUP
  file="$OUT/work/wrk-$target-$nodes-$scenario-$rep.txt"
  load=$(loadavg)
  wrk -t"$WRK_THREADS" -c"$conns" -d"${secs}s" --timeout 30s --latency \
    -H "X-OpenStack-Ironic-API-Version: $API_VERSION" "$url" > "$file" 2>&1 ||
    die "wrk failed: $(cat "$file")"
  [ "$rep" = 0 ] && return
  local rps p50 p99 total errors non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$file")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$file")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")
  total=$(awk '/requests in/ {print $1}' "$file")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$file")
  errors=$(sed -n 's/^ *Socket errors: //p' "$file" | tr -d ' ')
  record "$target" "$nodes" "$scenario" "$rep" "$rps" "req/s" "$load" \
    "wrk -t$WRK_THREADS -c$conns -d${secs}s; requests=$total p50=${p50}ms p99=${p99}ms non2xx=${non2xx:-0} socket_errors=${errors:-none}"
  [ -z "$non2xx" ] || die "$target $scenario: $non2xx replies were not 2xx (see $file)"
}

rss_record() { # target nodes scenario pid...: VmRSS (and VmHWM) of the processes, in MB
  local target=$1 nodes=$2 scenario=$3
  shift 3
  local rss=0 hwm=0 p
  for p in "$@"; do
    [ -r "/proc/$p/status" ] || continue
    rss=$((rss + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")))
    hwm=$((hwm + $(awk '/^VmHWM:/ {print $2}' "/proc/$p/status")))
  done
  record "$target" "$nodes" "$scenario" 1 "$((rss / 1024))" "MB" "$(loadavg)" \
    "VmRSS of pid(s) $*; VmHWM (peak) $((hwm / 1024)) MB"
}

target_pids() { # the processes whose memory is the target's
  if [ "$1" = ironic ]; then
    local p
    for p in ${IRONIC_PIDS:-}; do
      echo "$p"
      pgrep -P "$p" || true
    done
  else
    echo "$karaf_pid"
  fi
}

# --- PostgreSQL: the project's throw-away cluster on a free port -----------------------------------
start_pg() {
  pg_dir=$(mktemp -d /tmp/amtpxe-rest-bench-pg.XXXXXX)
  rmdir "$pg_dir"
  pg_port=$(client ports 1)
  say "starting PostgreSQL on 127.0.0.1:$pg_port ($pg_dir)"
  PGDIR=$pg_dir PGPORT=$pg_port "$root/bundle-conductor/src/test/pg/start-postgres.sh" start >/dev/null ||
    die "PostgreSQL did not start"
}

stop_pg() {
  if [ -n "$pg_dir" ]; then
    PGDIR=$pg_dir PGPORT=$pg_port "$root/bundle-conductor/src/test/pg/start-postgres.sh" stop || true
    pg_dir=""
  fi
}

# --- our service: a copy of the Karaf distribution ---------------------------------------------------
set_cfg() { # file key value: sets one key, keeping the rest
  local file=$1
  touch "$file"
  chmod 600 "$file"
  if grep -q "^$2 *=" "$file"; then
    sed -i "s|^$2 *=.*|$2 = $3|" "$file"
  else
    printf '%s = %s\n' "$2" "$3" >> "$file"
  fi
}

ssh_port=""
start_karaf() { # store: boots a fresh copy (once more if the first boot hangs), then for pg
  # installs PgJDBC and points the conductor at PostgreSQL, as an operator would
  local store=$1 attempt
  [ -x "$DIST/bin/karaf" ] || die "no distribution at $DIST: mvn -o -q -pl distribution package"
  for attempt in 1 2; do
    if boot_karaf "$store"; then
      break
    fi
    [ "$attempt" = 2 ] && die "the API at $URL did not list the pxe_amt driver within 180 s, twice"
    say "Karaf's first boot hung (see $karaf_home/data/log/karaf.log); killing it (pid $karaf_pid) and trying a fresh copy"
    kill -KILL "$karaf_pid" 2>/dev/null || true
    karaf_pid=""
    mv "$karaf_home" "$karaf_home.hung-$attempt"
  done
  [ "$store" = pg ] && switch_to_pg
  return 0
}

boot_karaf() { # store: a fresh copy on free ports, bin/start, wait for the API (H2, the default)
  local store=$1 api_port tftp_port http_port rmi_registry rmi_server jmxmp i
  karaf_home="$OUT/work/karaf-$store"
  rm -rf "$karaf_home"
  cp -a "$DIST" "$karaf_home"
  read -r api_port tftp_port http_port ssh_port rmi_registry rmi_server jmxmp <<< "$(client ports 7)"
  local etc="$karaf_home/etc"
  set_cfg "$etc/org.amtpxe.conductor.cfg" api_host 127.0.0.1
  set_cfg "$etc/org.amtpxe.conductor.cfg" api_port "$api_port"
  set_cfg "$etc/org.amtpxe.conductor.cfg" sync_interval 0
  set_cfg "$etc/org.amtpxe.pxe.cfg" tftp_address 127.0.0.1
  set_cfg "$etc/org.amtpxe.pxe.cfg" tftp_port "$tftp_port"
  set_cfg "$etc/org.amtpxe.pxe.cfg" http_address 127.0.0.1
  set_cfg "$etc/org.amtpxe.pxe.cfg" http_port "$http_port"
  set_cfg "$etc/org.amtpxe.pxe.cfg" api_url "http://127.0.0.1:$api_port"
  set_cfg "$etc/org.apache.karaf.shell.cfg" sshPort "$ssh_port"
  set_cfg "$etc/org.apache.karaf.shell.cfg" sshHost 127.0.0.1
  set_cfg "$etc/org.apache.karaf.management.cfg" rmiRegistryPort "$rmi_registry"
  set_cfg "$etc/org.apache.karaf.management.cfg" rmiServerPort "$rmi_server"
  set_cfg "$etc/org.apache.karaf.management.cfg" jmxmpPort "$jmxmp"
  URL="http://127.0.0.1:$api_port"
  say "starting Karaf ($store) from $karaf_home, API $URL"
  karaf_pid=""
  "$karaf_home/bin/start" >/dev/null
  for i in $(seq 1 120); do
    if [ -s "$karaf_home/karaf.pid" ]; then
      karaf_pid=$(cat "$karaf_home/karaf.pid")
      break
    fi
    sleep 0.5
  done
  [ -n "$karaf_pid" ] || die "Karaf wrote no pid file"
  for i in $(seq 1 180); do
    if api_lists_driver; then
      say "API up with driver pxe_amt after ${i}s (Karaf pid $karaf_pid)"
      return 0
    fi
    kill -0 "$karaf_pid" 2>/dev/null || die "Karaf (pid $karaf_pid) ended; see $karaf_home/data/log/karaf.log"
    sleep 1
  done
  return 1
}

api_lists_driver() { curl -fs "$URL/v1/drivers" 2>/dev/null | grep -q '"pxe_amt"'; }

switch_to_pg() {
  # PgJDBC is an installed, not booted, feature of the distribution: an operator adds it in the
  # Karaf console (the distribution's default user karaf/karaf, ssh on loopback), after the boot.
  local ok="" log="$OUT/work/feature-install.log" i started
  for i in $(seq 1 30); do
    karaf_console "feature:install amtpxe-postgresql" >> "$log" 2>&1 || true
    if karaf_console "feature:list -i" 2>> "$log" | grep -q '^amtpxe-postgresql '; then
      ok=yes
      break
    fi
    sleep 2
  done
  [ -n "$ok" ] || die "feature:install amtpxe-postgresql failed: $(tail -5 "$log")"
  say "installed the amtpxe-postgresql feature through the Karaf console"
  # Then db_url: the conductor restarts on the new settings without a Karaf restart.
  started=$(grep -c 'serving the API on' "$karaf_home/data/log/karaf.log" || true)
  # The three keys in one write (a copy renamed over the file): Karaf reads the file as soon as
  # it changes, and db_url alone would be tried with the default db_user.
  local cfg="$karaf_home/etc/org.amtpxe.conductor.cfg"
  cp -p "$cfg" "$cfg.new"
  set_cfg "$cfg.new" db_url "jdbc:postgresql://127.0.0.1:$pg_port/amtpxe"
  set_cfg "$cfg.new" db_user amtpxe
  set_cfg "$cfg.new" db_password ""
  mv "$cfg.new" "$cfg"
  for i in $(seq 1 120); do
    if [ "$(grep -c 'serving the API on' "$karaf_home/data/log/karaf.log" || true)" -gt "$started" ] &&
      api_lists_driver; then
      break
    fi
    sleep 1
  done
  pg_sql "SELECT count(*) FROM nodes" > /dev/null ||
    die "the conductor did not move to PostgreSQL: $(grep 'ERROR' "$karaf_home/data/log/karaf.log" | tail -3)"
  say "the conductor runs on PostgreSQL 127.0.0.1:$pg_port (its schema is there)"
}

pg_sql() { # query: one value from the benchmark's PostgreSQL database
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U amtpxe -d amtpxe -tAc "$1"
}

karaf_console() { # command: runs one command in the Karaf console over ssh (batch mode: Karaf
  # 4.4.10's client answers "Closed" to a command given as an argument)
  printf '%s\n' "$1" | "$karaf_home/bin/client" -h 127.0.0.1 -a "$ssh_port" -u karaf -p karaf -b
}

stop_karaf() {
  if [ -n "$karaf_pid" ]; then
    say "stopping Karaf (pid $karaf_pid)"
    "$karaf_home/bin/stop" >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 60); do
      kill -0 "$karaf_pid" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$karaf_pid" 2>/dev/null && kill -KILL "$karaf_pid"
    karaf_pid=""
  fi
}

# --- the ceiling: a bare Jetty answering the bytes of one node show ---------------------------------
start_ceiling() { # body-file
  local log="$OUT/work/ceiling.log" i
  java -cp "$CP" org.amtpxe.benchmarks.JettyCeiling --body "$1" > "$log" 2>&1 &
  ceiling_pid=$!
  for i in $(seq 1 100); do
    CEILING_URL="http://127.0.0.1:$(sed -n 's/^port=//p' "$log")/v1/nodes/x"
    [[ $CEILING_URL == *:[0-9]*/v1/* ]] && return
    kill -0 "$ceiling_pid" 2>/dev/null || break
    sleep 0.2
  done
  die "the Jetty ceiling did not start: $(cat "$log")"
}

stop_ceiling() {
  if [ -n "$ceiling_pid" ]; then
    kill "$ceiling_pid" 2>/dev/null || true
    wait "$ceiling_pid" 2>/dev/null || true
    ceiling_pid=""
  fi
}

# --- the scenarios -------------------------------------------------------------------------------------
client_record() { # target nodes scenario rep unit key line: a RestApiClient line as one figure
  local v
  v=$(kv "$6" "$7")
  record "$1" "$2" "$3" "$4" "$v" "$5" "$(kv load "$7")" "$7"
}

first_uuid() {
  curl -fs -H "X-OpenStack-Ironic-API-Version: $API_VERSION" "$URL/v1/nodes?limit=1" |
    grep -o '"uuid": *"[0-9a-f-]*"' | head -1 | sed 's/.*"\([0-9a-f-]*\)"$/\1/'
}

measure() { # target driver
  local target=$1 driver=$2 rep line uuid body ceiling=""
  [ "$target" = ironic ] || ceiling=yes
  local -a pids
  mapfile -t pids < <(target_pids "$target")
  [ ${#pids[@]} -gt 0 ] && rss_record "$target" 0 "RSS at start" "${pids[@]}"

  # Whatever an earlier run left with our prefix (an Ironic keeps its database).
  line=$(client delete --url "$URL" --version "$API_VERSION" --prefix bench --clients 8) ||
    die "could not delete the nodes of an earlier run: $line"
  [ "$(kv deleted "$line")" = 0 ] || say "$target: deleted $(kv deleted "$line") nodes of an earlier run"

  for rep in $(seq 1 "$REPS"); do
    if [ "$rep" -gt 1 ]; then
      line=$(client delete --url "$URL" --version "$API_VERSION" --prefix bench-s \
        --clients "$CREATE_CLIENTS") || die "deletes failed: $line"
      client_record "$target" "$SMALL" "$CREATES deletes, $CREATE_CLIENTS clients" "$rep" s seconds "$line"
    fi
    local warm=0
    [ "$rep" = 1 ] && warm=50
    line=$(client create --url "$URL" --version "$API_VERSION" --prefix bench-s --count "$CREATES" \
      --clients "$CREATE_CLIENTS" --driver "$driver" --warmup "$warm" | tail -1) ||
      die "creates failed: $line"
    client_record "$target" "$SMALL" "$CREATES creates, $CREATE_CLIENTS clients" "$rep" s seconds "$line"
    if [ "$target" = pg ] && [ "$rep" = 1 ]; then
      [ "$(pg_sql "SELECT count(*) FROM nodes")" = "$CREATES" ] ||
        die "PostgreSQL does not hold the $CREATES nodes just created"
    fi
    if [ "$CREATES" -lt "$SMALL" ]; then
      die "CREATES ($CREATES) must be SMALL ($SMALL)"
    fi

    uuid=$(first_uuid)
    [ -n "$uuid" ] || die "no node listed at $URL"
    if [ "$rep" = 1 ] && [ -n "$ceiling" ]; then
      body="$OUT/work/node-show-$target.json"
      curl -fs -H "X-OpenStack-Ironic-API-Version: $API_VERSION" "$URL/v1/nodes/$uuid" > "$body"
      start_ceiling "$body"
      say "ceiling: $(wc -c < "$body") bytes of node $uuid at $CEILING_URL (pid $ceiling_pid)"
    fi
    [ "$rep" = 1 ] && wrk_run "$target" "$SMALL" "node show" 0 "$SHOW_CONNECTIONS" "$URL/v1/nodes/$uuid"
    wrk_run "$target" "$SMALL" "node show" "$rep" "$SHOW_CONNECTIONS" "$URL/v1/nodes/$uuid"
    if [ -n "$ceiling" ]; then
      [ "$rep" = 1 ] && wrk_run "$target" "$SMALL" "ceiling: bare Jetty, same bytes" 0 "$SHOW_CONNECTIONS" "$CEILING_URL"
      wrk_run "$target" "$SMALL" "ceiling: bare Jetty, same bytes" "$rep" "$SHOW_CONNECTIONS" "$CEILING_URL"
    fi
    [ "$rep" = 1 ] && wrk_run "$target" "$SMALL" "node detail (all $SMALL)" 0 "$DETAIL_CONNECTIONS" "$URL/v1/nodes/detail"
    wrk_run "$target" "$SMALL" "node detail (all $SMALL)" "$rep" "$DETAIL_CONNECTIONS" "$URL/v1/nodes/detail"
  done
  [ ${#pids[@]} -gt 0 ] && rss_record "$target" "$SMALL" "RSS" "${pids[@]}"

  say "$target: enrolling $((LARGE - SMALL)) more nodes"
  line=$(client create --url "$URL" --version "$API_VERSION" --prefix bench-l --count "$((LARGE - SMALL))" \
    --clients "$CREATE_CLIENTS" --driver "$driver" | tail -1) || die "creates failed: $line"
  client_record "$target" "$LARGE" "$((LARGE - SMALL)) creates, $CREATE_CLIENTS clients" 1 s seconds "$line"
  [ ${#pids[@]} -gt 0 ] && rss_record "$target" "$LARGE" "RSS after enrolling" "${pids[@]}"

  local n=0
  while read -r line; do
    case "$line" in
      run=*)
        n=$((n + 1))
        [ "$(kv items "$line")" = "$LARGE" ] || die "paging listed $(kv items "$line") nodes, not $LARGE"
        client_record "$target" "$LARGE" "whole detail list, limit=$PAGE_LIMIT, following next" "$n" s seconds "$line"
        ;;
    esac
  done < <(client page --url "$URL" --version "$API_VERSION" --path /v1/nodes/detail \
    --limit "$PAGE_LIMIT" --runs "$REPS" --warmup 1)
  n=0
  while read -r line; do
    case "$line" in
      run=*)
        n=$((n + 1))
        client_record "$target" "$LARGE" "one detail page, limit=500" "$n" s seconds "$line"
        ;;
    esac
  done < <(client page --url "$URL" --version "$API_VERSION" --path /v1/nodes/detail \
    --limit 500 --max-pages 1 --runs "$REPS" --warmup 1)

  uuid=$(first_uuid)
  wrk_run "$target" "$LARGE" "node show" 0 "$SHOW_CONNECTIONS" "$URL/v1/nodes/$uuid"
  for rep in $(seq 1 "$REPS"); do
    wrk_run "$target" "$LARGE" "node show" "$rep" "$SHOW_CONNECTIONS" "$URL/v1/nodes/$uuid"
    [ -n "$ceiling" ] && wrk_run "$target" "$LARGE" "ceiling: bare Jetty, same bytes" "$rep" "$SHOW_CONNECTIONS" "$CEILING_URL"
  done
  [ ${#pids[@]} -gt 0 ] && rss_record "$target" "$LARGE" "RSS after paging and show" "${pids[@]}"
  if [ "$target" != ironic ] && command -v jcmd >/dev/null; then
    # How much of that is live data: the heap in use after a full GC, and the JVM's heap limit.
    local load heap max
    load=$(loadavg)
    jcmd "$karaf_pid" GC.run > /dev/null 2>&1 || true
    # G1 prints one "garbage-first heap total ..K, used ..K" line, the serial collector (the
    # distribution's) one per generation: the sum of those lines.
    heap=$(jcmd "$karaf_pid" GC.heap_info 2>/dev/null |
      sed -n 's/.* total \([0-9]*\)K, used \([0-9]*\)K.*/\1 \2/p' |
      awk '{ t += $1; u += $2 } END { if (NR) print t, u }')
    max=$(jcmd "$karaf_pid" VM.flags 2>/dev/null | tr ' ' '\n' | sed -n 's/^-XX:MaxHeapSize=//p')
    if [ -n "$heap" ]; then
      record "$target" "$LARGE" "heap used after a full GC" 1 "$(( ${heap#* } / 1024 ))" MB "$load" \
        "jcmd GC.run, GC.heap_info: committed $(( ${heap% *} / 1024 )) MB; MaxHeapSize $(( ${max:-0} / 1048576 )) MB"
    fi
  fi
  stop_ceiling
}

# --- the conditions, then each target --------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "distribution: $DIST (built $(date -u -r "$DIST/bin/karaf" '+%Y-%m-%d %H:%M' 2>/dev/null))"
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "settings: API_VERSION=$API_VERSION SMALL=$SMALL LARGE=$LARGE CREATES=$CREATES CREATE_CLIENTS=$CREATE_CLIENTS REPS=$REPS DURATION=$DURATION WARMUP=$WARMUP WRK_THREADS=$WRK_THREADS SHOW_CONNECTIONS=$SHOW_CONNECTIONS DETAIL_CONNECTIONS=$DETAIL_CONNECTIONS PAGE_LIMIT=$PAGE_LIMIT"
  echo "targets: ${targets[*]} ${IRONIC_URL:+(IRONIC_URL=$IRONIC_URL)}"
  echo "uptime at start: $(uptime)"
} > "$OUT/conditions.txt"
cat "$OUT/conditions.txt" >&2

for target in "${targets[@]}"; do
  case "$target" in
    h2)
      start_karaf h2
      measure h2 pxe_amt
      stop_karaf
      ;;
    pg)
      start_pg
      start_karaf pg
      measure pg pxe_amt
      stop_karaf
      stop_pg
      ;;
    ironic)
      [ -n "${IRONIC_URL:-}" ] || die "set IRONIC_URL for the ironic target"
      URL=${IRONIC_URL%/}
      if [ -n "${IRONIC_START:-}" ]; then
        say "starting Ironic: $IRONIC_START"
        bash -c "$IRONIC_START" >> "$OUT/log.txt" 2>&1 || die "IRONIC_START failed (see $OUT/log.txt)"
        [ -n "${IRONIC_STOP:-}" ] && ironic_started=yes
      fi
      if [ -n "${IRONIC_PID_FILE:-}" ]; then
        IRONIC_PIDS=$(tr '\n' ' ' < "$IRONIC_PID_FILE")
      fi
      curl -fs "$URL/v1/drivers" | grep -q '"fake-hardware"' ||
        die "no fake-hardware driver listed at $URL/v1/drivers"
      measure ironic fake-hardware
      stop_ironic
      ;;
    *) die "unknown target $target (h2, pg, ironic)" ;;
  esac
done
echo "uptime at end: $(uptime)" >> "$OUT/conditions.txt"

summarize "$results" > "$OUT/summary.md"
cat "$OUT/conditions.txt" "$OUT/summary.md"
say "results: $results, summary: $OUT/summary.md"
