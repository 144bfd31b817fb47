package dev.distlock.benchmarks.report;

import static dev.distlock.benchmarks.report.BenchmarkReport.find;
import static dev.distlock.benchmarks.report.BenchmarkReport.impls;
import static dev.distlock.benchmarks.report.BenchmarkReport.number;
import static dev.distlock.benchmarks.report.BenchmarkReport.ratio;

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
        out.append("One thread, acquire + release (sample mode; mean, p50, p99 in µs; B/op from -prof gc; "
                + "ratios of the means):\n\n");
        out.append("| client | uncontended mean | p50 | p99 | B/op | x floor | x distlock | 10,000 keys mean | p99 | B/op | x floor |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<JmhResult> floor = find(rows, "uncontended", "floor");
        Optional<JmhResult> distlock = find(rows, "uncontended", DISTLOCK);
        Optional<JmhResult> manyFloor = find(rows, "manyKeys", "floor");
        for (String impl : impls) {
            JmhResult one = find(rows, "uncontended", impl).orElseThrow();
            Optional<JmhResult> many = find(rows, "manyKeys", impl);
            out.append("| ").append(impl)
                    .append(" | ").append(number(one.score()))
                    .append(" | ").append(number(one.p50()))
                    .append(" | ").append(number(one.p99()))
                    .append(" | ").append(number(one.bytesPerOp()))
                    .append(" | ").append(floor.map(f -> ratio(one.score(), f.score())).orElse("-"))
                    .append(" | ").append(distlock.map(d -> ratio(one.score(), d.score())).orElse("-"))
                    .append(" | ").append(many.map(m -> number(m.score())).orElse("-"))
                    .append(" | ").append(many.map(m -> number(m.p99())).orElse("-"))
                    .append(" | ").append(many.map(m -> number(m.bytesPerOp())).orElse("-"))
                    .append(" | ").append(many.flatMap(m -> manyFloor.map(f -> ratio(m.score(), f.score()))).orElse("-"))
                    .append(" |\n");
        }
        out.append('\n');
    }

    private static void waiting(List<JmhResult> rows, StringBuilder out) {
        List<String> contendedImpls = impls(rows, "contended");
        List<String> handoffImpls = impls(rows, "handoff");
        if (contendedImpls.isEmpty() && handoffImpls.isEmpty()) {
            return;
        }
        out.append("Clients that wait: 4 threads on one key (ops/s, higher is better) and hand-off from a release "
                + "to the waiter (of a second client) holding (µs):\n\n");
        out.append("| client | contended ops/s | B/op | distlock / this | hand-off mean | p50 | p99 | B/op |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Optional<JmhResult> distlock = find(rows, "contended", DISTLOCK);
        for (String impl : contendedImpls) {
            JmhResult contended = find(rows, "contended", impl).orElseThrow();
            Optional<JmhResult> handoff = find(rows, "handoff", impl);
            out.append("| ").append(impl)
                    .append(" | ").append(number(contended.score()))
                    .append(" | ").append(number(contended.bytesPerOp()))
                    .append(" | ").append(distlock.map(d -> ratio(d.score(), contended.score())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.score())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.p50())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.p99())).orElse("-"))
                    .append(" | ").append(handoff.map(h -> number(h.bytesPerOp())).orElse("-"))
                    .append(" |\n");
        }
        out.append('\n');
    }
}
