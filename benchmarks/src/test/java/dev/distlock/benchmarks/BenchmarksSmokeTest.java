package dev.distlock.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.distlock.benchmarks.interceptor.InterceptorBenchmark;
import dev.distlock.benchmarks.report.BenchmarkReport;
import dev.distlock.benchmarks.report.TargetSummary;

/**
 * The build's only run of the benchmarks: the interceptor's, in this JVM, one 100 ms iteration
 * without warm-up (a few seconds with the Spring context), and the report written from its JSON. It
 * proves that the benchmarks and the report still work, and measures nothing.
 */
class BenchmarksSmokeTest {

    @Test
    void interceptorBenchmarkRunsAndItsReportIsWritten(@TempDir Path results) throws Exception {
        Path json = results.resolve("interceptor-run1.json");
        Options options = new OptionsBuilder()
                .include(InterceptorBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .build();

        Collection<RunResult> runs = new Runner(options).run();

        assertThat(runs).hasSize(4);
        assertThat(runs).allSatisfy(run -> assertThat(run.getPrimaryResult().getScore()).isPositive());
        Path report = results.resolve("benchmarks.md");
        BenchmarkReport.main(new String[] {results.toString(), report.toString()});
        assertThat(Files.readString(report))
                .contains("### The interceptor (in-memory backend), run 1")
                .contains("| annotatedCall |")
                .contains("annotated call over a plain call");
        assertThat(TargetSummary.render(results))
                .contains("| the interceptor: <= 1 µs over a plain call (SpEL key) | in-memory | run 1: ")
                .contains("| scale: 10,000 locks");
    }
}
