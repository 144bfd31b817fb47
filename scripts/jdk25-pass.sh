#!/usr/bin/env bash
# The JDK 25 pass of the test command: the build stays on its Java 17 baseline, and the tests of
# distlock-core, distlock-autoconfigure's *Test classes (with VirtualThreadsTest, which needs Java 21+),
# the sample app's VirtualThreadsSampleAppTest (virtual web and scheduler threads), one backend's
# contract suite against a real server (PostgreSQL) and the TLS connections of Redis and etcd run
# again on a JDK 25, through the `jvm` of Surefire (the *Test classes) and Failsafe (the *IT classes,
# which need servers). Debian 12 packages no JDK 25, so a machine without one says so and skips the
# pass, loudly; set JDK25_HOME to point at one.
#
# What this pass leaves to the Java 17 pass above, because the JDK does not change it:
# - the other *IT classes of distlock-autoconfigure (a backend chosen from properties, a Redis
#   eviction policy read at start-up, ConnectionDetails beans, health of a stopped store, a scheduled
#   job while the store is down, two applications on one store, the PostgreSQL end-to-end run):
#   their outcome is decided by Spring's configuration and the
#   store's answers, and what in them runs on the JDK (the interceptor and its proxies, the engine's
#   threads and timeouts, JDBC on PostgreSQL) is exercised here by the *Test classes of
#   distlock-autoconfigure and distlock-core and by the PostgreSQL contract suite. The TLS ITs stay:
#   the handshake, the certificate and key formats and the SSL bundles are the JDK's own code.
# - the sources jars and the sample app's ahead-of-time processing: Maven runs on the Java 17 of the
#   build here too, so they would come out the same (no test of this pass reads them; `verify`
#   makes them again).
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
  -Dmaven.source.skip=true -Dspring-boot.aot.skip=true \
  -Dtest='dev.distlock.*Test,dev.distlock.engine.*Test,dev.distlock.inmemory.*Test,dev.distlock.autoconfigure.**.*Test,VirtualThreadsSampleAppTest' \
  -Dit.test='dev.distlock.autoconfigure.**.*TlsIT,dev.distlock.autoconfigure.**.*SslBundleIT,PostgresJdbcLockBackendContractIT' \
  "$@"
