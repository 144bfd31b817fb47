package dev.distlock.benchmarks.report;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Shrinks a JMH JSON result before it is committed: drops the raw samples (megabytes per run) and
 * keeps scores, percentiles, allocation and the score of each iteration (for the confidence intervals),
 * which is all the report reads. The hand-off samples are kept, for drawing their distribution.
 *
 * <p>Usage: {@code ResultCompactor <result.json>...} (rewritten in place).
 */
public final class ResultCompactor {

    private ResultCompactor() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String file : args) {
            JsonNode results = json.readTree(Path.of(file).toFile());
            for (JsonNode result : results) {
                boolean handoff = result.path("benchmark").asText().endsWith(".handoff");
                compact((ObjectNode) result.get("primaryMetric"), handoff);
                result.path("secondaryMetrics").forEach(metric -> compact((ObjectNode) metric, false));
            }
            json.writerWithDefaultPrettyPrinter().writeValue(Path.of(file).toFile(), results);
        }
    }

    private static void compact(ObjectNode metric, boolean keepSamples) {
        if (!metric.has(JmhResult.ITERATION_SCORES) && (metric.has("rawData") || metric.has("rawDataHistogram"))) {
            double[] iterations = JmhResult.iterationScores(metric); // before the (empty) field exists
            ArrayNode scores = metric.putArray(JmhResult.ITERATION_SCORES);
            for (double score : iterations) {
                scores.add(score);
            }
        }
        metric.remove("rawData");
        if (!keepSamples) {
            metric.remove("rawDataHistogram");
        }
    }
}
