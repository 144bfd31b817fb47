package dev.distlock.benchmarks.report;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row of a JMH JSON result: benchmark method, the {@code impl} parameter, the score with its
 * percentiles (sample mode) and the allocation per operation ({@code -prof gc}).
 */
record JmhResult(String benchmarkClass, String method, String impl, String mode, double score, double scoreError,
                 Map<String, Double> percentiles, double bytesPerOp) {

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
                alloc.isMissingNode() ? Double.NaN : alloc.asDouble());
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
