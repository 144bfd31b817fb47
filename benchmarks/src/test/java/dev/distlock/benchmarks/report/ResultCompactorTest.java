package dev.distlock.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCompactorTest {

    @Test
    void keepsTheMeanOfEachIterationWhenItDropsTheSamples(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("redis-run1.json");
        Files.writeString(file, """
                [{"benchmark": "dev.distlock.benchmarks.redis.RedisLockBenchmark.uncontended", "mode": "sample",
                  "params": {"impl": "floor"},
                  "primaryMetric": {"score": 150, "scoreError": 1, "scorePercentiles": {"50.0": 150},
                                    "rawDataHistogram": [[[[100, 1], [200, 1]], [[120, 3], [180, 1]]]]},
                  "secondaryMetrics": {}}]
                """);

        ResultCompactor.main(new String[] {file.toString()});

        JsonNode primary = new ObjectMapper().readTree(file.toFile()).get(0).get("primaryMetric");
        assertThat(primary.has("rawDataHistogram")).isFalse();
        assertThat(primary.get("iterationScores")).hasSize(2);
        assertThat(primary.get("iterationScores").get(0).asDouble()).isEqualTo(150.0);
        assertThat(primary.get("iterationScores").get(1).asDouble()).isEqualTo(135.0);
    }
}
