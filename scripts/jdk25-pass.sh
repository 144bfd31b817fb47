#!/usr/bin/env bash
# The JDK 25 pass of the test command: the build stays on its Java 17 baseline, and the tests of
# distlock-core, distlock-autoconfigure (with VirtualThreadsTest, which needs Java 21+), the sample
# app's VirtualThreadsSampleAppTest (virtual web and scheduler threads) and one backend's contract
# suite against a real server (PostgreSQL) run again on a JDK 25, through the `jvm` of Surefire (the
# *Test classes) and Failsafe (the *IT classes, which need servers). Debian 12 packages no JDK 25,
# so a machine without one says so and skips the pass, loudly; set JDK25_HOME to point at one.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk="${JDK25_HOME:-}"
if [ -z "$jdk" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then jdk="$candidate"; break; fi
  done
fi
if [ -z "$jdk" ] || [ ! -x "$jdk/bin/java" ]; then
  echo "JDK 25 pass SKIPPED: no JDK 25 found (set JDK25_HOME); the Java 17 pass above ran everything else" >&2
  exit 0
fi
echo "JDK 25 pass on $("$jdk/bin/java" -version 2>&1 | head -1)"
exec ./mvnw -B -T 2 -pl distlock-backends/distlock-core,distlock-backends/distlock-jdbc,distlock-autoconfigure,sample-app -am verify \
  -Djvm="$jdk/bin/java" -Dsurefire.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false \
  -Dtest='dev.distlock.*Test,dev.distlock.engine.*Test,dev.distlock.inmemory.*Test,dev.distlock.autoconfigure.**.*Test,VirtualThreadsSampleAppTest' \
  -Dit.test='dev.distlock.autoconfigure.**.*IT,PostgresJdbcLockBackendContractIT' \
  "$@"
