package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.distlock.testsupport.ChildJvm;

class ChildJvmTest {

    /** Echoes each input line back with a prefix. */
    public static final class Echo {
        public static void main(String[] args) throws Exception {
            System.out.println("ready " + args[0]);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("echo " + line);
            }
        }
    }

    @Test
    void runsAMainClassOfTheTestClasspathAndTalksInLines() {
        try (ChildJvm child = ChildJvm.start(Echo.class, "one")) {
            assertThat(child.awaitLine("ready", Duration.ofSeconds(30))).isEqualTo("ready one");
            child.send("ping");
            assertThat(child.awaitLine("echo", Duration.ofSeconds(10))).isEqualTo("echo ping");

            child.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> !child.isAlive());
        }
    }
}
