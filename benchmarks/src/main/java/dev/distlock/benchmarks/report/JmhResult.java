package dev.distlock.benchmarks.report;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row of a JMH JSON result: benchmark method, the {@code impl} parameter, the score with its
 * percentiles (sample mode), the allocation per operation ({@code -prof gc}), and the score of each
 * measured iteration of every fork (from the raw data, or kept by {@link ResultCompactor}).
 */
record JmhResult(String benchmarkClass, String method, String impl, String mode, double score, double scoreError,
                 Map<String, Double> percentiles, double bytesPerOp, double[] iterationScores) {

    /** Where {@link ResultCompactor} keeps the iteration scores when it drops the raw data. */
    static final String ITERATION_SCORES = "iterationScores";

    static JmhResult of(JsonNode node) {
        String benchmark = node.get("benchmark").asText();
        int dot = benchmark.lastIndexOf('.');
        String className = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
        JsonNode params = node.path("params");
        String impl = params.has("impl") ? params.get("impl").asText() : "";
        JsonNode primary = node.get("primaryMetric");
        java.util.Map<String, Double> percentiles = new java.util.TreeMap<>();
        primary.path("scorePercentiles").properties()
                .forEach(entry -> percentiles.put(entry.getKey(), entry.getValue().asDouble()));
        JsonNode alloc = node.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
        return new JmhResult(className, benchmark.substring(dot + 1), impl, node.get("mode").asText(),
                primary.get("score").asDouble(), primary.path("scoreError").asDouble(Double.NaN), percentiles,
                alloc.isMissingNode() ? Double.NaN : alloc.asDouble(), iterationScores(primary));
    }

    /**
     * The score of each measured iteration of every fork: kept ones, else the raw data's (one score
     * per iteration), else the mean of each iteration's histogram (sample mode); empty when the JSON
     * was compacted before iteration scores were kept.
     */
    static double[] iterationScores(JsonNode primary) {
        java.util.List<Double> scores = new java.util.ArrayList<>();
        if (primary.has(ITERATION_SCORES)) {
            primary.get(ITERATION_SCORES).forEach(score -> scores.add(score.asDouble()));
        } else if (primary.has("rawData")) {
            primary.get("rawData").forEach(fork -> fork.forEach(score -> scores.add(score.asDouble())));
        } else {
            for (JsonNode fork : primary.path("rawDataHistogram")) {
                for (JsonNode iteration : fork) {
                    double sum = 0;
                    double count = 0;
                    for (JsonNode bucket : iteration) {
                        sum += bucket.get(0).asDouble() * bucket.get(1).asDouble();
                        count += bucket.get(1).asDouble();
                    }
                    if (count > 0) {
                        scores.add(sum / count);
                    }
                }
            }
        }
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The score with its confidence half-width: 95% over the iterations of all forks (Student's t)
     * when there are at least two, which counts the differences between forks; else JMH's own
     * score error (99.9%, which in sample mode treats every sample as independent).
     */
    Stats.Estimate estimate() {
        return iterationScores.length >= 2 ? Stats.mean(iterationScores) : new Stats.Estimate(score, scoreError);
    }

    /** How {@link #estimate()} came about, for the tables. */
    String estimateBasis() {
        return iterationScores.length >= 2 ? "95%, " + iterationScores.length + " iterations" : "JMH 99.9%";
    }

    double min() {
        return percentiles.getOrDefault("0.0", Double.NaN);
    }

    double p50() {
        return percentiles.getOrDefault("50.0", Double.NaN);
    }

    double p99() {
        return percentiles.getOrDefault("99.0", Double.NaN);
    }
}
