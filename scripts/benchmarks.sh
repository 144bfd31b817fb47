#!/usr/bin/env bash
# Runs the JMH benchmarks of the benchmarks/ module and writes docs/benchmarks.md from their results.
#
#   scripts/benchmarks.sh                      every suite, twice (runs 1 and 2)
#   scripts/benchmarks.sh redis jdbc           only those suites
#   RUNS="3" scripts/benchmarks.sh etcd        a third run of etcd (kept beside runs 1 and 2)
#   REPORT_ONLY=1 scripts/benchmarks.sh        only rewrite docs/benchmarks.md from docs/benchmarks/*.json
#   RESULTS=/tmp/smoke REPORT=/tmp/smoke/benchmarks.md RUNS=1 JMH_OPTS="-f 1 -wi 0 -i 2 -r 1s -prof gc" \
#     scripts/benchmarks.sh redis              a smoke run into a scratch directory: proves, measures nothing
#
# Suites: redis redlock etcd zookeeper jdbc mariadb interceptor (JMH), and processes (3 JVMs on one key,
# a plain Java main: a JMH fork is one JVM; PROCESS_ROUNDS rounds of PROCESS_SECONDS s after a warm-up
# round, for each suite:client of PROCESS_TARGETS), and scale (store calls per second against the number
# of locks one JVM holds with 3 s leases: SCALE_LOCKS, each held SCALE_SECONDS s, on SCALE_STORES).
# The benchmarks start their own redis-server, etcd and
# ZooKeeper on free ports and create a database of their own on the machine's PostgreSQL and MariaDB
# (scripts/test-servers.sh installs and starts what is missing). Each suite writes
# docs/benchmarks/<suite>-run<N>.json (JMH's JSON) and <suite>-run<N>.env (date, machine, load), and
# prints each JMH result's ratio to its floor and distlock's to each peer with their intervals.
#
# JMH: 3 forks of 3 warm-up and 5 measured 2 s iterations per benchmark, so that an interval comes
# from 15 iterations of 3 JVMs (fork-to-fork differences included) and a 1.05x difference resolves
# on a quiet machine: about 100 minutes per run of every suite on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-"1 2"}
JMH_OPTS=${JMH_OPTS:-"-f 3 -wi 3 -w 2s -i 5 -r 2s -prof gc"}
INTERCEPTOR_JMH_OPTS=${INTERCEPTOR_JMH_OPTS:-"-f 3 -wi 3 -w 1s -i 5 -r 1s -prof gc"}
PROCESS_ROUNDS=${PROCESS_ROUNDS:-5}
PROCESS_SECONDS=${PROCESS_SECONDS:-10}
PROCESS_TARGETS=${PROCESS_TARGETS:-"redis:distlock-api redis:redisson redis:spring-integration jdbc:distlock-api jdbc:spring-integration mariadb:distlock-api etcd:distlock-api etcd:jetcd-lock"}
SCALE_LOCKS=${SCALE_LOCKS:-"100,1000,10000"}
SCALE_SECONDS=${SCALE_SECONDS:-60}
SCALE_STORES=${SCALE_STORES:-"redis etcd"}
RESULTS=${RESULTS:-docs/benchmarks}
REPORT=${REPORT:-docs/benchmarks.md}
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(redis redlock etcd zookeeper jdbc mariadb interceptor processes scale)

./mvnw -q -B -pl benchmarks -am package -DskipTests
classpath="benchmarks/target/classes:$(cat benchmarks/target/benchmark-classpath.txt)"
report() {
  java -cp "$classpath" dev.distlock.benchmarks.report.BenchmarkReport "$RESULTS" "$REPORT"
}
if [ -n "${REPORT_ONLY:-}" ]; then
  report
  exit 0
fi

scripts/test-servers.sh
mkdir -p "$RESULTS"

for run in $RUNS; do
  for suite in "${suites[@]}"; do
    case "$suite" in
      interceptor) include='dev\.distlock\.benchmarks\.interceptor\.'; opts=$INTERCEPTOR_JMH_OPTS ;;
      redis|redlock|etcd|zookeeper|jdbc|mariadb) include="dev\\.distlock\\.benchmarks\\.$suite\\."; opts=$JMH_OPTS ;;
      processes) opts="rounds $PROCESS_ROUNDS of $PROCESS_SECONDS s: $PROCESS_TARGETS" ;;
      scale) opts="$SCALE_LOCKS locks, $SCALE_SECONDS s each, on $SCALE_STORES" ;;
      *) echo "unknown suite '$suite' (redis redlock etcd zookeeper jdbc mariadb interceptor processes scale)" >&2; exit 2 ;;
    esac
    out="$RESULTS/$suite-run$run"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    started=$(date -u '+%Y-%m-%d %H:%M UTC')
    echo "== $suite, run $run (load $load_before)"
    if [ "$suite" = processes ]; then
      # shellcheck disable=SC2086
      command=(java -cp "$classpath" dev.distlock.benchmarks.processes.ProcessContention "$out.json" "$PROCESS_ROUNDS" "$PROCESS_SECONDS" $PROCESS_TARGETS)
    elif [ "$suite" = scale ]; then
      # shellcheck disable=SC2086
      command=(java -cp "$classpath" dev.distlock.benchmarks.scale.RenewalTraffic "$out.json" "$SCALE_SECONDS" "$SCALE_LOCKS" $SCALE_STORES)
    else
      # shellcheck disable=SC2086
      command=(java -cp "$classpath" org.openjdk.jmh.Main "$include" $opts -rf json -rff "$out.json")
    fi
    if ! "${command[@]}" > "$out.log" 2>&1; then
      tail -n 40 "$out.log" >&2
      echo "$suite failed, run $run: see $out.log" >&2
      exit 1
    fi
    if [ "$suite" = processes ] || [ "$suite" = scale ]; then
      grep -E ' round [0-9]+|locks held' "$out.log"
    else
      java -cp "$classpath" dev.distlock.benchmarks.report.ResultCompactor "$out.json"
      sed -n '/^Benchmark /,$p' "$out.log" | grep -vE ':(p0\.(00|90|95|999|9999)|p1\.00|gc\.(count|time|alloc\.rate)) '
      java -cp "$classpath" dev.distlock.benchmarks.report.Ratios "$out.json"
    fi
    {
      echo "started $started, took $(( ($(date +%s) - $(date -d "$started" +%s)) / 60 )) min"
      echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
      echo "java: $(java -version 2>&1 | head -n 1)"
      echo "load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
      case "$suite" in processes|scale) echo "options: $opts" ;; *) echo "JMH options: $opts" ;; esac
    } > "$out.env"
    rm -f "$out.log"
  done
done
report
