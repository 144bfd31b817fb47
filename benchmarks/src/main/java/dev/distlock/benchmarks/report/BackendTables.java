package dev.distlock.benchmarks.report;

import static dev.distlock.benchmarks.report.BenchmarkReport.find;
import static dev.distlock.benchmarks.report.BenchmarkReport.impls;
import static dev.distlock.benchmarks.report.BenchmarkReport.number;
import static dev.distlock.benchmarks.report.BenchmarkReport.ratio;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The tables of one backend's run: one thread (uncontended, many keys), then the waiting workloads. */
final class BackendTables {

    private static final String DISTLOCK = "distlock-api";

    private BackendTables() {
    }

    static String render(List<JmhResult> rows) {
        StringBuilder out = new StringBuilder();
        oneThread(rows, out);
        waiting(rows, out);
        return out.toString();
    }

    private static void oneThread(List<JmhResult> rows, StringBuilder out) {
        List<String> impls = impls(rows, "uncontended");
        if (impls.isEmpty()) {
            return;
        }
        out.append("One thread, acquire + release of one key (sample mode, µs; B/op from -prof gc). Ratios of the "
                + "fastest call (min: the cost without interference, the figure that repeats from run to run here), "
                + "of the medians and of the means" + Ratios.floor(rows, "uncontended").map(JmhResult::impl)
                        .filter(floor -> !floor.equals("floor")).map(floor -> " (the floor: `" + floor + "`)").orElse("")
                + ":\n\n");
        out.append("| client | mean | min | p50 | p99 | B/op | x floor min | x floor p50 | x floor mean | x distlock min | x distlock p50 |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String impl : impls) {
            row(out, find(rows, "uncontended", impl).orElseThrow(), Ratios.floor(rows, "uncontended"),
                    find(rows, "uncontended", DISTLOCK));
        }
        out.append("\nOne thread, 10,000 distinct keys round robin (same columns):\n\n");
        out.append("| client | mean | min | p50 | p99 | B/op | x floor min | x floor p50 | x floor mean | x distlock min | x distlock p50 |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String impl : impls(rows, "manyKeys")) {
            row(out, find(rows, "manyKeys", impl).orElseThrow(), Ratios.floor(rows, "manyKeys"),
                    find(rows, "manyKeys", DISTLOCK));
        }
        out.append('\n');
    }

    private static void row(StringBuilder out, JmhResult result, Optional<JmhResult> floor, Optional<JmhResult> distlock) {
        out.append("| ").append(result.impl())
                .append(" | ").append(number(result.score()))
                .append(" | ").append(number(result.min()))
                .append(" | ").append(number(result.p50()))
                .append(" | ").append(number(result.p99()))
                .append(" | ").append(number(result.bytesPerOp()))
                .append(" | ").append(floor.map(f -> ratio(result.min(), f.min())).orElse("-"))
                .append(" | ").append(floor.map(f -> ratio(result.p50(), f.p50())).orElse("-"))
                .append(" | ").append(floor.map(f -> ratio(result.score(), f.score())).orElse("-"))
                .append(" | ").append(distlock.map(d -> ratio(result.min(), d.min())).orElse("-"))
                .append(" | ").append(distlock.map(d -> ratio(result.p50(), d.p50())).orElse("-"))
                .append(" |\n");
    }

    private static void waiting(List<JmhResult> rows, StringBuilder out) {
        List<String> contendedImpls = impls(rows, "contended");
        List<String> handoffImpls = impls(rows, "handoff");
        if (contendedImpls.isEmpty() && handoffImpls.isEmpty()) {
            return;
        }
        out.append("Clients that wait: 4 threads on one key (ops/s, higher is better) and hand-off from a release "
                + "to the waiter (of a second client) holding (µs):\n\n");
        out.append("| client | contended ops/s | B/op | distlock / this | hand-off mean | min | p50 | p99 | B/op |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<JmhResult> distlock = find(rows, "contended", DISTLOCK);
        // Every client of either workload: a floor of the hand-off alone (etcd's floor-waiting) has no contended row.
        List<String> clients = new ArrayList<>(contendedImpls);
        handoffImpls.stream().filter(impl -> !clients.contains(impl)).forEach(clients::add);
        for (String impl : clients) {
            Optional<JmhResult> contended = find(rows, "contended", impl);
            Optional<JmhResult> handoff = find(rows, "handoff", impl);
            out.append("| ").append(impl)
                    .append(" | ").append(contended.map(c -> number(c.score())).orElse("-"))
                    .append(" | ").append(contended.map(c -> number(c.bytesPerOp())).orElse("-"))
                    .append(" | ").append(contended.flatMap(c -> distlock.map(d -> ratio(d.score(), c.score()))).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.score())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.min())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.p50())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.p99())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.bytesPerOp())).orElse("-"))
                    .append(" |\n");
        }
        out.append('\n');
    }
}
