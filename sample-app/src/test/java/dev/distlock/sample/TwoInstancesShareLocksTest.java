package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.distlock.DistributedLocks;

/**
 * What the README promises: two copies of the sample app, in two JVMs on one machine, share their
 * locks through the H2 file in AUTO_SERVER mode, so the scheduled report runs on one at a time.
 */
class TwoInstancesShareLocksTest {

    @Test
    void theScheduledReportRunsOnOneInstanceAtATime(@TempDir Path directory) throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("shared") + ";AUTO_SERVER=TRUE";
        String[] arguments = {"--server.port=0", "--spring.datasource.url=" + url, "--sample.report.interval=PT0.1S",
                "--spring.main.banner-mode=off"};
        Path otherLog = directory.resolve("other-instance.log");
        Process other = startOtherInstance(arguments, otherLog);
        try {
            // The other JVM opened the file first and serves it; its report run holds the lock for holdAtLeast (30s).
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(otherLog).contains("Report start run=1 "));
            try (ConfigurableApplicationContext thisInstance = new SpringApplicationBuilder(SampleApplication.class).run(arguments)) {
                ReportJob reportJob = thisInstance.getBean(ReportJob.class);
                // Slots every 100 ms, all skipped: the lock is held in the other JVM.
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> reportJob.runs() == 0);
                assertThat(thisInstance.getBean(DistributedLocks.class)
                        .tryAcquire("nightly-report", Duration.ofSeconds(5), Duration.ZERO)).isEmpty();
            }
        } finally {
            other.destroy();
            if (!other.waitFor(20, TimeUnit.SECONDS)) {
                other.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static Process startOtherInstance(String[] arguments, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[arguments.length + 4];
        command[0] = java;
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = SampleApplication.class.getName();
        System.arraycopy(arguments, 0, command, 4, arguments.length);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
