package dev.distlock.benchmarks.report;

import static dev.distlock.benchmarks.report.BenchmarkReport.number;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The run of ProcessContention: three JVMs on one key. Per client, the total grants per second (mean
 * over the rounds, 95% interval) and the spread between the JVMs: the most grants of one JVM over the
 * fewest of another, per round (the target: at most 2).
 */
final class ProcessTable {

    private ProcessTable() {
    }

    /** One client's rounds: each JVM's grants per round, over rounds of {@code seconds}. */
    record Contention(String suite, String impl, int seconds, List<long[]> rounds, long gaveUp, long failed) {

        static List<Contention> of(JsonNode results) {
            List<Contention> all = new ArrayList<>();
            for (JsonNode result : results) {
                List<long[]> rounds = new ArrayList<>();
                for (JsonNode round : result.path("rounds")) {
                    long[] grants = new long[round.size()];
                    for (int i = 0; i < grants.length; i++) {
                        grants[i] = round.get(i).asLong();
                    }
                    rounds.add(grants);
                }
                all.add(new Contention(result.path("suite").asText(), result.path("impl").asText(),
                        result.path("seconds").asInt(), rounds, total(result.path("gaveUp")), total(result.path("failed"))));
            }
            return all;
        }

        /** Over all rounds and JVMs; 0 for a field a result does not have (older runs counted no failures). */
        private static long total(JsonNode perRound) {
            long total = 0;
            for (JsonNode round : perRound) {
                for (JsonNode count : round) {
                    total += count.asLong();
                }
            }
            return total;
        }

        Stats.Estimate grantsPerSecond() {
            return Stats.mean(rounds.stream().mapToDouble(round -> (double) java.util.Arrays.stream(round).sum() / seconds).toArray());
        }

        /** Most over fewest grants of one round; infinite when a JVM got none. */
        static double spread(long[] round) {
            long most = java.util.Arrays.stream(round).max().orElse(0);
            long fewest = java.util.Arrays.stream(round).min().orElse(0);
            return fewest == 0 ? Double.POSITIVE_INFINITY : (double) most / fewest;
        }

        double worstSpread() {
            return rounds.stream().mapToDouble(Contention::spread).max().orElse(Double.NaN);
        }

        double meanSpread() {
            return rounds.stream().mapToDouble(Contention::spread).average().orElse(Double.NaN);
        }
    }

    static String render(JsonNode results) {
        StringBuilder out = new StringBuilder();
        out.append("Three JVMs, one client and one thread each, on one key (unfair mode), all in the same time window: "
                + "total grants per second (mean over the rounds, ± its 95% interval) and the spread between the JVMs "
                + "(most grants of one JVM / fewest of another, per round), and the attempts that gave up (not granted "
                + "within the client's 30 s waitFor) and those that failed with the store's error (a call past its timeout under "
                + "load; the worker goes on), over all rounds:\n\n");
        out.append("| store | client | grants/s | ± (95%) | rounds | spread, worst round | spread, mean | gave up | failed |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Contention contention : Contention.of(results)) {
            Stats.Estimate rate = contention.grantsPerSecond();
            out.append("| ").append(contention.suite())
                    .append(" | ").append(contention.impl())
                    .append(" | ").append(number(rate.value()))
                    .append(" | ").append(number(rate.error()))
                    .append(" | ").append(contention.rounds().size())
                    .append(" | ").append(spread(contention.worstSpread()))
                    .append(" | ").append(spread(contention.meanSpread()))
                    .append(" | ").append(contention.gaveUp())
                    .append(" | ").append(contention.failed())
                    .append(" |\n");
        }
        return out.append('\n').toString();
    }

    static String spread(double value) {
        return Double.isInfinite(value) ? "starved" : String.format(Locale.ROOT, "%.2fx", value);
    }
}
