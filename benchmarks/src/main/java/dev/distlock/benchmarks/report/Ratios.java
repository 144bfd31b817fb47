package dev.distlock.benchmarks.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Each benchmark's ratio to its floor and distlock's ratio to each peer, with the interval that
 * follows from both scores' confidence intervals ({@link Stats#ratio}); what scripts/benchmarks.sh
 * prints after each suite and what {@link TargetSummary} judges.
 *
 * <p>Usage: {@code Ratios <result.json>...}.
 */
public final class Ratios {

    /** distlock through its API: the row every peer is compared with. */
    static final String DISTLOCK = "distlock-api";

    private Ratios() {
    }

    /**
     * {@code value / base} of one method's scores.
     *
     * @param higherIsBetter throughput (ops/s) rather than a time
     */
    record Ratio(String method, String impl, String base, boolean higherIsBetter, double value, double low, double high,
                 String basis) {

        boolean resolved() {
            return !Double.isNaN(low);
        }

        String interval() {
            return resolved() ? String.format(Locale.ROOT, "[%.3f, %.3f]", low, high) : "[no interval]";
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-12s %-22s / %-20s %.3fx %s (%s%s)", method, impl, base, value, interval(),
                    basis, higherIsBetter ? ", ops/s" : ", time");
        }
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String file : args) {
            List<JmhResult> rows = new ArrayList<>();
            for (JsonNode node : json.readTree(Path.of(file).toFile())) {
                rows.add(JmhResult.of(node));
            }
            System.out.println("Ratios in " + file + " (time: < 1 is faster than the base; ops/s: > 1 is faster):");
            of(rows).forEach(ratio -> System.out.println("  " + ratio));
        }
    }

    /**
     * The floor a method's rows are held to: the fenced floor where there is one, Redlock's parallel floor,
     * the floor of a waiting client (the hand-off, where the floor must wait for a release), the floor
     * whose calls are bounded by a deadline (JDBC, where that takes a thread per call), or the floor.
     */
    static Optional<JmhResult> floor(List<JmhResult> rows, String method) {
        for (String floor : List.of("floor-fenced", "floor-parallel", "floor-waiting", "floor-bounded", "floor")) {
            Optional<JmhResult> found = BenchmarkReport.find(rows, method, floor);
            if (found.isPresent() && !(floor.equals("floor-fenced") && BenchmarkReport.find(rows, method, "floor-parallel").isPresent())) {
                return found;
            }
        }
        return Optional.empty();
    }

    static boolean isPeer(String impl) {
        return !impl.startsWith("floor") && !impl.startsWith("distlock");
    }

    /** Every row over its floor, and distlock over every peer, per method. */
    static List<Ratio> of(List<JmhResult> rows) {
        List<Ratio> ratios = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        rows.forEach(row -> {
            if (!methods.contains(row.method())) {
                methods.add(row.method());
            }
        });
        for (String method : methods) {
            Optional<JmhResult> floor = floor(rows, method);
            Optional<JmhResult> distlock = BenchmarkReport.find(rows, method, DISTLOCK);
            for (JmhResult row : rows) {
                if (!row.method().equals(method)) {
                    continue;
                }
                if (floor.isPresent() && row != floor.get()) {
                    ratios.add(ratio(row, floor.get()));
                }
                if (distlock.isPresent() && isPeer(row.impl())) {
                    ratios.add(ratio(distlock.get(), row));
                }
            }
            // Redlock: also against three times one node's fenced floor, the naive price of three nodes.
            Optional<JmhResult> single = BenchmarkReport.find(rows, method, "floor-fenced");
            if (distlock.isPresent() && single.isPresent() && floor.isPresent() && floor.get() != single.get()) {
                Stats.Estimate one = single.get().estimate();
                double[] ratio = Stats.ratio(distlock.get().estimate(), new Stats.Estimate(3 * one.value(), 3 * one.error()));
                ratios.add(new Ratio(method, DISTLOCK, "3 x floor-fenced", false, ratio[0], ratio[1], ratio[2],
                        distlock.get().estimateBasis()));
            }
        }
        return ratios;
    }

    static Ratio ratio(JmhResult value, JmhResult base) {
        double[] ratio = Stats.ratio(value.estimate(), base.estimate());
        String basis = value.estimateBasis().equals(base.estimateBasis()) ? value.estimateBasis()
                : value.estimateBasis() + " / " + base.estimateBasis();
        return new Ratio(value.method(), value.impl(), base.impl(), value.mode().equals("thrpt"), ratio[0], ratio[1],
                ratio[2], basis);
    }
}
