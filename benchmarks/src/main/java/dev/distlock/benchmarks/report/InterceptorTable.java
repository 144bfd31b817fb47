package dev.distlock.benchmarks.report;

import static dev.distlock.benchmarks.report.BenchmarkReport.find;
import static dev.distlock.benchmarks.report.BenchmarkReport.number;

import java.util.List;

/** The interceptor's run: each call's time and allocation, and the differences that are its cost. */
final class InterceptorTable {

    private InterceptorTable() {
    }

    static String render(List<JmhResult> rows) {
        StringBuilder out = new StringBuilder();
        out.append("Average time per call (ns) and allocation (B/op):\n\n");
        out.append("| call | ns/op | ± (99.9%) | B/op |\n|---|---:|---:|---:|\n");
        for (JmhResult row : rows) {
            out.append("| ").append(row.method())
                    .append(" | ").append(number(row.score()))
                    .append(" | ").append(number(row.scoreError()))
                    .append(" | ").append(number(row.bytesPerOp()))
                    .append(" |\n");
        }
        double plain = score(rows, "plainCall");
        double api = score(rows, "apiCall");
        double annotated = score(rows, "annotatedCall");
        double byName = score(rows, "annotatedByNameCall");
        out.append("\n- annotated call over a plain call (interceptor + engine + in-memory backend): ")
                .append(number(annotated - plain)).append(" ns\n");
        out.append("- annotated call over the same lock through the API (the interceptor's own part, SpEL key): ")
                .append(number(annotated - api)).append(" ns\n");
        out.append("- annotated call without a key over the API (the interceptor without SpEL): ")
                .append(number(byName - api)).append(" ns\n\n");
        return out.toString();
    }

    private static double score(List<JmhResult> rows, String method) {
        return find(rows, method, "").map(JmhResult::score).orElse(Double.NaN);
    }
}
