package dev.distlock.benchmarks.report;

import static dev.distlock.benchmarks.report.BenchmarkReport.number;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The run of RenewalTraffic: store calls per second against the number of locks one JVM holds with
 * 3 s leases, and the leases lost.
 */
final class ScaleTable {

    private ScaleTable() {
    }

    /** One store and lock count. */
    record Traffic(String store, int locks, long leaseMillis, double seconds, double callsPerSecond,
                   double roundTripsPerSecond, int lost, Map<String, Long> byCommand) {

        static List<Traffic> of(JsonNode results) {
            List<Traffic> all = new ArrayList<>();
            for (JsonNode result : results) {
                Map<String, Long> byCommand = new TreeMap<>();
                result.path("byCommand").properties().forEach(entry -> byCommand.put(entry.getKey(), entry.getValue().asLong()));
                all.add(new Traffic(result.path("store").asText(), result.path("locks").asInt(),
                        result.path("leaseMillis").asLong(), result.path("seconds").asDouble(),
                        result.path("callsPerSecond").asDouble(), result.path("roundTripsPerSecond").asDouble(),
                        result.path("lost").asInt(), byCommand));
            }
            return all;
        }

        /** Calls per lock per renewal period (a third of the lease): 1 when every lock is renewed on its own. */
        double callsPerLockPerPeriod() {
            return callsPerSecond / locks * (leaseMillis / 3000.0);
        }
    }

    static String render(JsonNode results) {
        StringBuilder out = new StringBuilder();
        out.append("One JVM holding many locks at once, auto-renewed 3 s leases: the store calls per second over the "
                + "measured window (requests; round trips where the store tells them apart, a pipelined batch being one), "
                + "calls per lock per renewal period (a third of the lease: 1.00 means a round trip per lock per period), "
                + "the leases lost, and where the calls went (by command or gRPC method, counted at the store):\n\n");
        out.append("| store | locks | calls/s | round trips/s | calls per lock per period | lost | by command |\n");
        out.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Traffic traffic : Traffic.of(results)) {
            StringBuilder commands = new StringBuilder();
            traffic.byCommand().forEach((command, calls) -> commands.append(commands.isEmpty() ? "" : ", ")
                    .append(command).append(' ').append(number(calls / traffic.seconds())).append("/s"));
            out.append("| ").append(traffic.store())
                    .append(" | ").append(String.format(java.util.Locale.ROOT, "%,d", traffic.locks()))
                    .append(" | ").append(number(traffic.callsPerSecond()))
                    .append(" | ").append(number(traffic.roundTripsPerSecond()))
                    .append(" | ").append(number(traffic.callsPerLockPerPeriod()))
                    .append(" | ").append(traffic.lost())
                    .append(" | ").append(commands)
                    .append(" |\n");
        }
        return out.append('\n').toString();
    }
}
