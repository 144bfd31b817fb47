#!/usr/bin/env bash
# Starts three instances of the sample app on this machine, lets them run for a while, stops them
# and reads their logs: how often the guarded ReportJob ran on each instance, whether any two runs
# on different instances overlapped, and whether the fencing tokens grew in the order the runs
# started. Exits 1 when a run overlapped another or a token did not grow (or nothing ran).
#
# Usage: sample-app/scripts/three-replicas.sh [SECONDS] [APPLICATION_ARGUMENTS...]
#   SECONDS                 how long all three run together (default 60)
#   APPLICATION_ARGUMENTS   passed to every instance, e.g. another backend:
#                           --spring.profiles.active=etcd --distlock.etcd.endpoints=http://127.0.0.1:2379
#
# By default the instances share their locks through one H2 file in AUTO_SERVER mode, in a fresh
# temporary directory (the first instance serves the file, the other two connect to it). The report
# is tried 0.7 s after each attempt, holds the lock at least 2 s and pretends to work for 0.5 s, so a
# minute holds about 25 runs; any of these defaults can be changed with an argument (--sample.report.interval=PT1S).
#
# Needs the packaged app: ./mvnw -q install -DskipTests (or set SAMPLE_JAR to the jar).
# Environment: SAMPLE_JAR, JAVA_HOME, JAVA_OPTS (default -Xmx256m -XX:TieredStopAtLevel=1),
# STARTUP_TIMEOUT seconds per start (default 120), KEEP_LOGS=1 to keep the logs after a clean run.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

seconds=60
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
user_args=("$@")

jar=${SAMPLE_JAR:-}
if [[ -z $jar ]]; then
    jar=$(ls "$script_dir"/../target/distlock-sample-app-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '\.original$' | head -n 1 || true)
fi
if [[ -z $jar || ! -f $jar ]]; then
    echo "No sample app jar found; build it first: ./mvnw -q install -DskipTests" >&2
    exit 2
fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1}"
startup_timeout=${STARTUP_TIMEOUT:-120}

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/distlock-three-replicas.XXXXXX")
pids=()
ports=()

# Stops only the instances this script started, by their PIDs: TERM, then KILL after 30 s.
stop_instances() {
    local pid waited
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for ((waited = 0; waited < 300; waited++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "instance with pid $pid did not stop within 30 s: killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
trap 'stop_instances' EXIT
trap 'exit 130' INT TERM

# A port nobody listens on now, and not one already chosen (a connection to it is refused).
free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 40000))
        [[ " ${ports[*]} " == *" $port "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

# --name=value unless the user gave --name=... (Spring joins a property given twice with a comma).
app_args=()
default_arg() {
    local arg
    for arg in "${user_args[@]}"; do
        [[ $arg == "--$1="* ]] && return
    done
    app_args+=("--$1=$2")
}
default_arg spring.datasource.url "jdbc:h2:file:$work_dir/locks;AUTO_SERVER=TRUE"
default_arg sample.report.interval PT0.7S
default_arg sample.report.hold-at-least 2s
default_arg sample.report.work 500ms
# a run in progress at shutdown finishes and logs its end
default_arg spring.task.scheduling.shutdown.await-termination true
default_arg spring.task.scheduling.shutdown.await-termination-period 10s
default_arg spring.main.banner-mode off
app_args+=("${user_args[@]}")

start_instance() {
    local instance=$1 port
    port=$(free_port)
    ports+=("$port")
    "$java" "${java_opts[@]}" -jar "$jar" "--server.port=$port" "${app_args[@]}" \
        > "$work_dir/instance-$instance.log" 2>&1 &
    pids+=("$!")
}

await_started() {
    local instance=$1 log="$work_dir/instance-$1.log" pid=${pids[$(($1 - 1))]} waited
    for ((waited = 0; waited < startup_timeout * 10; waited++)); do
        grep -q 'Started SampleApplication' "$log" && return
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "instance $instance exited during start-up; the end of $log:" >&2
            tail -n 40 "$log" >&2
            exit 2
        fi
        sleep 0.1
    done
    echo "instance $instance did not start within ${startup_timeout} s; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 2
}

echo "three instances of $(basename "$jar"), logs in $work_dir"
# The first one opens the H2 file and serves it; the others connect to it once it is up.
start_instance 1
await_started 1
start_instance 2
start_instance 3
await_started 2
await_started 3
echo "running for ${seconds} s on ports ${ports[*]} (pids ${pids[*]})"
sleep "$seconds"
stop_instances

# One line per run: start end token instance; a run without an end line ends "never" (overlaps all after it).
runs_file="$work_dir/runs.txt"
for instance in 1 2 3; do
    sed -n -E 's/.*Report (start|end) run=([0-9]+) token=([0-9]+) at=([0-9]+).*/\1 \2 \3 \4/p' \
        "$work_dir/instance-$instance.log" | awk -v instance="$instance" '
        $1 == "start" { order[++n] = $2; start[$2] = $4; token[$2] = $3 }
        $1 == "end"   { end[$2] = $4 }
        END { for (i = 1; i <= n; i++) { r = order[i]; print start[r], (r in end ? end[r] : "never"), token[r], instance } }'
done | sort -n -k1,1 -k3,3 > "$runs_file"

awk -v seconds="$seconds" -v ports="${ports[*]}" '
    BEGIN { split(ports, port, " ") }
    {
        n++; start[n] = $1; end[n] = ($2 == "never" ? 1e300 : $2); token[n] = $3; instance[n] = $4
        runs[$4]++
        if (!($4 in first)) first[$4] = $3
        last[$4] = $3
        if ($2 == "never") unfinished++
    }
    END {
        for (i = 1; i <= 3; i++) {
            if (runs[i]) printf "instance %d (port %s): %d runs, tokens %s..%s\n", i, port[i], runs[i], first[i], last[i]
            else printf "instance %d (port %s): 0 runs\n", i, port[i]
        }
        overlaps = 0
        for (i = 1; i <= n; i++) {
            for (j = i + 1; j <= n && start[j] < end[i]; j++) {
                if (instance[j] != instance[i]) {
                    overlaps++
                    printf "OVERLAP: instance %d run token=%s [%s, %s] and instance %d run token=%s starting at %s\n",
                        instance[i], token[i], start[i], (end[i] == 1e300 ? "never ended" : end[i]), instance[j], token[j], start[j]
                }
            }
        }
        disorder = 0
        for (i = 2; i <= n; i++) {
            if (token[i] + 0 <= token[i - 1] + 0) {
                disorder++
                printf "TOKEN NOT GROWING: token=%s (instance %d) started after token=%s (instance %d)\n",
                    token[i], instance[i], token[i - 1], instance[i - 1]
            }
        }
        if (n == 0) print "NOTHING RAN: see the logs"
        # the first instance runs the job alone while the other two start, so the span exceeds SECONDS
        printf "runs: %d over %.1f s (first start to last start; all three up together for %d s), unfinished: %d\n",
            n, (n > 0 ? (start[n] - start[1]) / 1000 : 0), seconds, unfinished + 0
        printf "overlaps: %d\n", overlaps
        printf "tokens strictly increasing in start order: %s\n", (disorder == 0 ? "yes" : "no")
        exit (n == 0 || overlaps > 0 || disorder > 0) ? 1 : 0
    }' "$runs_file" && verdict=0 || verdict=$?

if [[ $verdict -ne 0 ]]; then
    echo "FAILED: logs kept in $work_dir" >&2
elif [[ ${KEEP_LOGS:-0} == 1 ]]; then
    echo "logs kept in $work_dir"
else
    rm -rf "$work_dir"
fi
exit "$verdict"
