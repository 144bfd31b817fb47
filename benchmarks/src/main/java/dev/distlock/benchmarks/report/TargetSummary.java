package dev.distlock.benchmarks.report;

import static dev.distlock.benchmarks.report.BenchmarkReport.find;
import static dev.distlock.benchmarks.report.BenchmarkReport.number;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The summary table at the top of docs/benchmarks.md: each target of issue 15, the figure of every
 * run, and whether it is met. A target is met when every run meets it with its whole confidence
 * interval ({@link Ratios}), not met when a run misses it with its whole interval, and unresolved
 * in between; figures without an interval (percentiles, allocation, counts) are judged as they are.
 * Deterministic: the same JSON files give the same table.
 *
 * <p>Usage: {@code TargetSummary <results dir> [<output file>]} (standard output without one).
 */
public final class TargetSummary {

    private static final Pattern RESULT_FILE = Pattern.compile("(\\w+)-run(\\d+)\\.json");

    enum Status {
        MET("met"), NOT_MET("**not met**"), UNRESOLVED("unresolved (the interval straddles the target)"),
        NO_INTERVAL("unresolved (no interval: too few iterations, or one reaching 0)"), NOT_MEASURED("not yet measured"),
        NO_TARGET("(no target: measured beside)");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }

    record Verdict(Status status, String figure) {
    }

    /** One run's results: the JMH rows per suite, and the JSON of the suites that are not JMH. */
    record Run(int number, Map<String, List<JmhResult>> jmh, Map<String, JsonNode> other) {

        List<JmhResult> rows(String suite) {
            return jmh.getOrDefault(suite, List.of());
        }
    }

    record Target(String text, String backend, Function<Run, Optional<Verdict>> judge) {
    }

    private TargetSummary() {
    }

    public static void main(String[] args) throws IOException {
        String table = render(Path.of(args[0]));
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), table, StandardCharsets.UTF_8);
            System.out.println("Wrote " + args[1]);
        } else {
            System.out.print(table);
        }
    }

    public static String render(Path dir) throws IOException {
        List<Run> runs = runs(dir);
        StringBuilder out = new StringBuilder();
        out.append("| target (issue 15) | backend | figure now, per run | met? |\n|---|---|---|---|\n");
        for (Target target : targets()) {
            List<String> figures = new ArrayList<>();
            List<Status> statuses = new ArrayList<>();
            for (Run run : runs) {
                target.judge().apply(run).ifPresent(verdict -> {
                    figures.add("run " + run.number() + ": " + verdict.figure());
                    statuses.add(verdict.status());
                });
            }
            out.append("| ").append(target.text()).append(" | ").append(target.backend()).append(" | ")
                    .append(figures.isEmpty() ? "-" : String.join("; ", figures)).append(" | ")
                    .append(combine(statuses).text).append(" |\n");
        }
        return out.toString();
    }

    /** Met only when every run met it; not met when any run missed it. */
    static Status combine(List<Status> statuses) {
        if (statuses.isEmpty()) {
            return Status.NOT_MEASURED;
        }
        for (Status worst : List.of(Status.NOT_MET, Status.UNRESOLVED, Status.NO_INTERVAL, Status.NOT_MEASURED, Status.NO_TARGET)) {
            if (statuses.contains(worst)) {
                return worst;
            }
        }
        return Status.MET;
    }

    private static List<Run> runs(Path dir) throws IOException {
        Map<Integer, Run> runs = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.sorted().toList();
        }
        for (Path file : files) {
            Matcher name = RESULT_FILE.matcher(file.getFileName().toString());
            if (!name.matches()) {
                continue;
            }
            String suite = name.group(1);
            Run run = runs.computeIfAbsent(Integer.parseInt(name.group(2)), number -> new Run(number, new TreeMap<>(), new TreeMap<>()));
            JsonNode results = json.readTree(file.toFile());
            if (suite.equals("processes") || suite.equals("scale")) {
                run.other().put(suite, results);
            } else {
                List<JmhResult> rows = new ArrayList<>();
                results.forEach(node -> rows.add(JmhResult.of(node)));
                run.jmh().put(suite, rows);
            }
        }
        return new ArrayList<>(runs.values());
    }

    private static List<Target> targets() {
        Map<String, String> backends = new java.util.LinkedHashMap<>();
        backends.put("redis", "Redis");
        backends.put("etcd", "etcd");
        backends.put("zookeeper", "ZooKeeper");
        backends.put("jdbc", "PostgreSQL");
        List<Target> targets = new ArrayList<>();
        for (String method : List.of("uncontended", "manyKeys")) {
            String workload = method.equals("uncontended") ? "uncontended acquire + release" : "10,000 distinct keys";
            // Redis is held to the fenced floor only: the plain SET NX floor gives no token. PostgreSQL
            // to the floor whose calls have a deadline, as distlock's have (where there is one in the run).
            backends.forEach((suite, name) -> targets.add(new Target(workload + ": <= 1.05x the floor (mean"
                    + (suite.equals("redis") ? ", the fenced floor" : suite.equals("jdbc") ? ", the bounded floor where the run has one" : "") + ")", name,
                    run -> suite.equals("redis") && find(run.rows(suite), method, "floor-fenced").isEmpty()
                            ? Optional.empty() : toFloor(run.rows(suite), method, 1.05))));
            backends.forEach((suite, name) -> targets.add(new Target(workload + ": faster than every peer, mean and p99",
                    name, run -> fasterThanPeers(run.rows(suite), method))));
        }
        backends.forEach((suite, name) -> targets.add(new Target("allocation per lock + unlock below the best peer",
                name, run -> allocation(run.rows(suite)))));
        backends.forEach((suite, name) -> targets.add(new Target("4 threads of one JVM on one key: >= 1.4x the best peer's ops/s",
                name, run -> contended(run.rows(suite)))));
        for (String suite : List.of("redis", "jdbc", "etcd")) {
            targets.add(new Target("3 JVMs on one key: no JVM starved (most / fewest grants <= 2x, unfair)",
                    backends.get(suite), run -> processes(run.other().get("processes"), suite)));
        }
        Map<String, Double> handoffMillis = Map.of("redis", 1.0, "zookeeper", 2.0, "jdbc", 5.0, "etcd", 5.0);
        backends.forEach((suite, name) -> targets.add(new Target("hand-off to a waiter of another client: p50 < "
                + number(handoffMillis.get(suite)) + " ms", name, run -> handoff(run.rows(suite), handoffMillis.get(suite)))));
        targets.add(new Target("the interceptor: <= 1 µs over a plain call (SpEL key)", "in-memory",
                run -> interceptorTime(run.rows("interceptor"))));
        targets.add(new Target("the interceptor: <= 0.5 KB per call", "in-memory", run -> interceptorBytes(run.rows("interceptor"))));
        for (String store : List.of("redis", "etcd")) {
            targets.add(new Target("scale: 10,000 locks, 3 s leases, none lost over a minute; renewals by batches "
                    + "(<= 0.1 store calls per lock per renewal period)", backends.get(store),
                    run -> scale(run.other().get("scale"), store)));
        }
        targets.add(new Target("beside: uncontended, x the floor (mean)", "MariaDB", run -> beside(toFloor(run.rows("mariadb"), "uncontended", 1.05))));
        targets.add(new Target("beside: uncontended, x Redlock's parallel floor (mean)", "Redlock, 3 nodes",
                run -> beside(toFloor(run.rows("redlock"), "uncontended", 1.05))));
        targets.add(new Target("beside: uncontended, x 3 x one node's fenced floor (mean)", "Redlock, 3 nodes",
                run -> beside(Ratios.of(run.rows("redlock")).stream()
                        .filter(ratio -> ratio.method().equals("uncontended") && ratio.base().startsWith("3 x"))
                        .findFirst().map(ratio -> new Verdict(Status.NO_TARGET, figure(ratio))))));
        return targets;
    }

    private static Optional<Verdict> beside(Optional<Verdict> verdict) {
        return verdict.map(found -> new Verdict(Status.NO_TARGET, found.figure()));
    }

    private static String figure(Ratios.Ratio ratio) {
        return String.format(Locale.ROOT, "%.2fx %s", ratio.value(), ratio.resolved()
                ? String.format(Locale.ROOT, "[%.2f, %.2f]", ratio.low(), ratio.high()) : "(no interval)");
    }

    /** At most {@code limit} with the whole interval: met; above it with the whole interval: not met. */
    private static Status atMost(Ratios.Ratio ratio, double limit) {
        if (!ratio.resolved()) {
            return Status.NO_INTERVAL;
        }
        return ratio.high() <= limit ? Status.MET : ratio.low() > limit ? Status.NOT_MET : Status.UNRESOLVED;
    }

    private static Optional<Verdict> toFloor(List<JmhResult> rows, String method, double limit) {
        Optional<JmhResult> distlock = find(rows, method, Ratios.DISTLOCK);
        Optional<JmhResult> floor = Ratios.floor(rows, method);
        if (distlock.isEmpty() || floor.isEmpty()) {
            return Optional.empty();
        }
        Ratios.Ratio ratio = Ratios.ratio(distlock.get(), floor.get());
        return Optional.of(new Verdict(atMost(ratio, limit), figure(ratio) + " x " + floor.get().impl()));
    }

    private static Optional<Verdict> fasterThanPeers(List<JmhResult> rows, String method) {
        Optional<JmhResult> distlock = find(rows, method, Ratios.DISTLOCK);
        List<JmhResult> peers = rows.stream().filter(row -> row.method().equals(method) && Ratios.isPeer(row.impl())).toList();
        if (distlock.isEmpty() || peers.isEmpty()) {
            return Optional.empty();
        }
        List<Ratios.Ratio> means = peers.stream().map(peer -> Ratios.ratio(distlock.get(), peer)).toList();
        Ratios.Ratio worst = means.stream().max(Comparator.comparingDouble(Ratios.Ratio::value)).orElseThrow();
        JmhResult fastestAtP99 = peers.stream().min(Comparator.comparingDouble(JmhResult::p99)).orElseThrow();
        double p99 = distlock.get().p99() / fastestAtP99.p99();
        Status mean = means.stream().map(ratio -> atMost(ratio, 1.0)).reduce(Status.MET, TargetSummary::worse);
        Status tail = Double.isNaN(p99) ? Status.NOT_MEASURED : p99 < 1 ? Status.MET : Status.NOT_MET;
        return Optional.of(new Verdict(worse(mean, tail), "mean " + figure(worst) + " x " + worst.base()
                + ", p99 " + String.format(Locale.ROOT, "%.2fx", p99) + " x " + fastestAtP99.impl()));
    }

    private static Status worse(Status a, Status b) {
        return combine(List.of(a, b));
    }

    private static Optional<Verdict> allocation(List<JmhResult> rows) {
        Optional<JmhResult> distlock = find(rows, "uncontended", Ratios.DISTLOCK);
        Optional<JmhResult> best = rows.stream()
                .filter(row -> row.method().equals("uncontended") && Ratios.isPeer(row.impl()) && !Double.isNaN(row.bytesPerOp()))
                .min(Comparator.comparingDouble(JmhResult::bytesPerOp));
        if (distlock.isEmpty() || best.isEmpty() || Double.isNaN(distlock.get().bytesPerOp())) {
            return Optional.empty();
        }
        double mine = distlock.get().bytesPerOp();
        return Optional.of(new Verdict(mine < best.get().bytesPerOp() ? Status.MET : Status.NOT_MET,
                number(mine) + " B vs " + number(best.get().bytesPerOp()) + " B (" + best.get().impl() + ")"));
    }

    private static Optional<Verdict> contended(List<JmhResult> rows) {
        Optional<JmhResult> distlock = find(rows, "contended", Ratios.DISTLOCK);
        Optional<JmhResult> best = rows.stream().filter(row -> row.method().equals("contended") && Ratios.isPeer(row.impl()))
                .max(Comparator.comparingDouble(JmhResult::score));
        if (distlock.isEmpty() || best.isEmpty()) {
            return Optional.empty();
        }
        Ratios.Ratio ratio = Ratios.ratio(distlock.get(), best.get());
        Status status = !ratio.resolved() ? Status.NO_INTERVAL
                : ratio.low() >= 1.4 ? Status.MET : ratio.high() < 1.4 ? Status.NOT_MET : Status.UNRESOLVED;
        return Optional.of(new Verdict(status, figure(ratio) + " x " + best.get().impl() + " ("
                + number(distlock.get().score()) + " ops/s)"));
    }

    private static Optional<Verdict> processes(JsonNode results, String suite) {
        if (results == null) {
            return Optional.empty();
        }
        return ProcessTable.Contention.of(results).stream()
                .filter(contention -> contention.suite().equals(suite) && contention.impl().equals(Ratios.DISTLOCK))
                .findFirst()
                .map(contention -> new Verdict(
                        contention.worstSpread() <= 2 && contention.gaveUp() == 0 ? Status.MET : Status.NOT_MET,
                        "worst round " + ProcessTable.spread(contention.worstSpread()) + ", " + contention.gaveUp()
                                + " gave up, " + contention.failed() + " failed, "
                                + number(contention.grantsPerSecond().value()) + " grants/s"));
    }

    /** The waiting floor's p50 beside distlock's: a target below that floor cannot be met on this machine. */
    private static Optional<Verdict> handoff(List<JmhResult> rows, double limitMillis) {
        String floor = find(rows, "handoff", "floor-waiting")
                .map(found -> " (floor-waiting " + number(found.p50() / 1000) + " ms)").orElse("");
        return find(rows, "handoff", Ratios.DISTLOCK).map(handoff -> new Verdict(
                handoff.p50() < limitMillis * 1000 ? Status.MET : Status.NOT_MET,
                "p50 " + number(handoff.p50() / 1000) + " ms" + floor));
    }

    private static Optional<Verdict> interceptorTime(List<JmhResult> rows) {
        Optional<JmhResult> annotated = find(rows, "annotatedCall", "");
        Optional<JmhResult> plain = find(rows, "plainCall", "");
        if (annotated.isEmpty() || plain.isEmpty()) {
            return Optional.empty();
        }
        Stats.Estimate a = annotated.get().estimate();
        Stats.Estimate b = plain.get().estimate();
        double over = a.value() - b.value();
        double error = Math.sqrt(square(a.error()) + square(b.error()));
        Status status = Double.isNaN(error) ? Status.NO_INTERVAL
                : over + error <= 1000 ? Status.MET : over - error > 1000 ? Status.NOT_MET : Status.UNRESOLVED;
        return Optional.of(new Verdict(status, number(over) + " ± " + number(error) + " ns"));
    }

    private static double square(double value) {
        return value * value;
    }

    private static Optional<Verdict> interceptorBytes(List<JmhResult> rows) {
        Optional<JmhResult> annotated = find(rows, "annotatedCall", "");
        Optional<JmhResult> plain = find(rows, "plainCall", "");
        if (annotated.isEmpty() || plain.isEmpty() || Double.isNaN(annotated.get().bytesPerOp())) {
            return Optional.empty();
        }
        // Whole bytes: every object is a multiple of 8 bytes, and the few hundredths of a byte per op that
        // -prof gc also reports are the harness's own per-iteration objects spread over millions of calls.
        double over = Math.round(annotated.get().bytesPerOp())
                - (Double.isNaN(plain.get().bytesPerOp()) ? 0 : Math.round(plain.get().bytesPerOp()));
        return Optional.of(new Verdict(over <= 512 ? Status.MET : Status.NOT_MET, number(over) + " B over a plain call"));
    }

    private static Optional<Verdict> scale(JsonNode results, String store) {
        if (results == null) {
            return Optional.empty();
        }
        return ScaleTable.Traffic.of(results).stream()
                .filter(traffic -> traffic.store().equals(store))
                .max(Comparator.comparingInt(ScaleTable.Traffic::locks))
                .map(traffic -> {
                    String figure = String.format(Locale.ROOT, "%,d locks: %s calls/s, %s per lock per period, %d lost",
                            traffic.locks(), number(traffic.callsPerSecond()), number(traffic.callsPerLockPerPeriod()), traffic.lost());
                    if (traffic.locks() < 10_000 || traffic.seconds() < 60) {
                        return new Verdict(Status.NOT_MEASURED, figure + " (not 10,000 locks for a minute)");
                    }
                    boolean met = traffic.lost() == 0 && traffic.callsPerLockPerPeriod() <= 0.1;
                    return new Verdict(met ? Status.MET : Status.NOT_MET, figure);
                });
    }
}
