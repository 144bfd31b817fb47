package dev.distlock.etcd;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend holds no monitor anywhere: its locks are held around calls to etcd, and a virtual
 * thread that blocks inside {@code synchronized} pins its carrier on JDK 21 to 23. The JDK this build
 * runs on (25) no longer pins on monitors, so pinning itself cannot be observed here; the bytecode
 * can: no {@code synchronized} method and no {@code monitorenter} in any class of the module.
 */
class EtcdNoMonitorTest {

    @Test
    void noClassOfTheBackendEntersAMonitor() throws IOException, URISyntaxException {
        Path classes = Path.of(EtcdLockBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/distlock/etcd");
        List<Path> classFiles;
        try (Stream<Path> files = Files.list(classes)) {
            classFiles = files.filter(file -> file.toString().endsWith(".class")).sorted().toList();
        }
        assertThat(classFiles).contains(classes.resolve("LockSlot.class"), classes.resolve("EtcdLockBackend.class"));

        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow();
        for (Path classFile : classFiles) {
            StringWriter out = new StringWriter();
            int exit = javap.run(new PrintWriter(out), new PrintWriter(out), "-c", "-p", classFile.toString());
            assertThat(exit).as("javap of %s: %s", classFile, out).isZero();
            assertThat(out.toString()).as(classFile.getFileName().toString())
                    .doesNotContain("monitorenter")
                    .doesNotContainPattern("(?m)^\\s+[a-z ]*\\bsynchronized\\b[^(]*\\(");
        }
    }
}
