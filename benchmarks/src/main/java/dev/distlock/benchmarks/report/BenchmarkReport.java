package dev.distlock.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes docs/benchmarks.md from the JMH JSON results in a directory ({@code <suite>-run<N>.json}, with
 * {@code <suite>-run<N>.env} beside each: when and under what load it ran): the hand-written
 * {@code intro.md} (with the summary of the targets, {@link TargetSummary}, in place of its
 * {@link #TARGETS_MARKER} line), one section per suite with a table per run and the ratios, then
 * {@code analysis.md}.
 *
 * <p>Usage: {@code BenchmarkReport <results dir> <output file>}.
 */
public final class BenchmarkReport {

    /** The line of intro.md that the summary of issue 15's targets replaces. */
    static final String TARGETS_MARKER = "<!-- targets: written by TargetSummary -->";
    private static final Pattern RESULT_FILE = Pattern.compile("(\\w+)-run(\\d+)\\.json");
    private static final List<String> SUITES = List.of("redis", "redlock", "etcd", "zookeeper", "jdbc", "mariadb", "interceptor", "processes", "scale");
    private static final Map<String, String> TITLES = Map.of(
            "redis", "Redis", "redlock", "Redlock (3 Redis nodes)", "etcd", "etcd", "zookeeper", "ZooKeeper", "jdbc", "JDBC (PostgreSQL)", "mariadb", "JDBC (MariaDB)",
            "interceptor", "The interceptor (in-memory backend)",
            "processes", "Contention between processes",
            "scale", "Renewal traffic against held locks");

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
        Path output = Path.of(args.length > 1 ? args[1] : "docs/benchmarks.md");
        Files.writeString(output, render(results), StandardCharsets.UTF_8);
        System.out.println("Wrote " + output);
    }

    static String render(Path dir) throws IOException {
        Map<String, Map<Integer, Path>> runs = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                Matcher name = RESULT_FILE.matcher(file.getFileName().toString());
                if (name.matches()) {
                    runs.computeIfAbsent(name.group(1), suite -> new TreeMap<>()).put(Integer.parseInt(name.group(2)), file);
                }
            });
        }
        StringBuilder out = new StringBuilder();
        out.append(readIfPresent(dir.resolve("intro.md")).replace(TARGETS_MARKER, TargetSummary.render(dir)));
        ObjectMapper json = new ObjectMapper();
        for (String suite : SUITES) {
            Map<Integer, Path> suiteRuns = runs.get(suite);
            if (suiteRuns == null) {
                continue;
            }
            out.append("\n## ").append(TITLES.get(suite)).append("\n");
            for (Map.Entry<Integer, Path> run : suiteRuns.entrySet()) {
                JsonNode results = json.readTree(run.getValue().toFile());
                if (suite.equals("processes") || suite.equals("scale")) {
                    if (!results.isEmpty()) {
                        out.append("\n### ").append(TITLES.get(suite)).append(", run ").append(run.getKey()).append("\n\n");
                        out.append(environment(run.getValue(), suite, run.getKey()))
                                .append(suite.equals("scale") ? ScaleTable.render(results) : ProcessTable.render(results));
                    }
                    continue;
                }
                List<JmhResult> rows = new ArrayList<>();
                for (JsonNode node : results) {
                    rows.add(JmhResult.of(node));
                }
                if (rows.isEmpty()) {
                    continue; // a run still going: JMH writes its JSON at the end
                }
                out.append("\n### ").append(TITLES.get(suite)).append(", run ").append(run.getKey()).append("\n\n");
                out.append(environment(run.getValue(), suite, run.getKey()));
                out.append(suite.equals("interceptor") ? InterceptorTable.render(rows) : BackendTables.render(rows));
                String plot = "handoff-" + suite + "-run" + run.getKey() + ".png";
                if (HandoffPlot.write(results, TITLES.get(suite) + ", run " + run.getKey(), dir.resolve(plot))) {
                    out.append("![Hand-off latency, ").append(TITLES.get(suite)).append(", run ").append(run.getKey())
                            .append("](").append(dir.getFileName()).append('/').append(plot).append(")\n\n");
                }
            }
        }
        out.append(readIfPresent(dir.resolve("analysis.md")));
        return out.toString();
    }

    /** The run's .env file beside its JSON as a list, or nothing. */
    private static String environment(Path json, String suite, int run) throws IOException {
        String environment = readIfPresent(json.resolveSibling(suite + "-run" + run + ".env")).strip();
        if (environment.isEmpty()) {
            return "";
        }
        return environment.lines().map(line -> "- " + line).reduce((a, b) -> a + "\n" + b).orElse("") + "\n\n";
    }

    private static String readIfPresent(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value, double base) {
        if (Double.isNaN(value) || Double.isNaN(base) || base == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", value / base);
    }

    static Optional<JmhResult> find(List<JmhResult> rows, String method, String impl) {
        return rows.stream().filter(row -> row.method().equals(method) && row.impl().equals(impl)).findFirst();
    }

    static List<String> impls(List<JmhResult> rows, String method) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        rows.stream().filter(row -> row.method().equals(method)).forEach(row -> seen.put(row.impl(), true));
        return new ArrayList<>(seen.keySet());
    }
}
