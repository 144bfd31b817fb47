package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README shows: scripts/three-replicas.sh starts three copies of the packaged sample app on
 * the shared H2 file, and the guarded report never runs on two of them at once. An integration test
 * (failsafe, after the jar is packaged), run for 15 s, which spans several report slots.
 */
class ThreeReplicasScriptIT {

    /** Start-up of three JVMs on a busy 2-core machine, 15 s of running, shutdown; the script bounds each step itself. */
    private static final long BOUND_SECONDS = 240;

    @Test
    void threeReplicasRunTheGuardedReportWithoutOverlapsAndWithGrowingTokens(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("three-replicas.out");
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/three-replicas.sh", "15")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("SAMPLE_JAR", System.getProperty("sample.jar"));
        builder.environment().put("TMPDIR", directory.toString());
        Process script = builder.start();
        try {
            boolean finished = script.waitFor(BOUND_SECONDS, TimeUnit.SECONDS);
            String printed = Files.readString(output);
            assertThat(finished).as("the script finished within %d s; it printed:%n%s", BOUND_SECONDS, printed).isTrue();
            assertThat(script.exitValue()).as("exit status; the script printed:%n%s", printed).isZero();
            assertThat(printed).contains("overlaps: 0", "tokens strictly increasing in start order: yes")
                    .containsPattern("runs: [1-9]");
        } finally {
            stop(script);
        }
    }

    /** The script stops its instances on TERM; should it hang, its own children go by their PIDs. */
    private static void stop(Process script) throws InterruptedException {
        if (!script.isAlive()) {
            return;
        }
        // taken before TERM: once the script is gone its instances are no longer its descendants
        List<ProcessHandle> instances = script.descendants().toList();
        script.destroy();
        if (!script.waitFor(60, TimeUnit.SECONDS)) {
            instances.forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
