package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A client whose JVM clock is skewed cannot grant a lock twice, because the backend never reads the
 * JVM clock: it sends the database durations only, and every comparison is made with the database's
 * now. This proves the premise on the compiled classes themselves: no class of the backend refers to
 * a clock, a wall-clock type, or a JDBC timestamp (which would carry a client-side point in time).
 * The time-zone scenarios in {@link JdbcLockBackendScenarios} show the database side.
 */
class BackendReadsNoJvmClockTest {

    /** Names as they appear in a class file's constant pool. */
    private static final List<String> CLOCK_TYPES = List.of("java/time/Instant", "java/time/Clock",
            "java/time/LocalDateTime", "java/time/LocalDate", "java/time/LocalTime", "java/time/OffsetDateTime",
            "java/time/ZonedDateTime", "java/util/Date", "java/util/Calendar", "java/sql/Timestamp", "java/sql/Date",
            "java/sql/Time");
    private static final List<String> CLOCK_METHODS = List.of("currentTimeMillis", "nanoTime", "currentTimeNanos");

    @Test
    void noBackendClassReadsTheJvmClock() throws IOException, URISyntaxException {
        Path classes = Path.of(JdbcLockBackend.class.getResource("JdbcLockBackend.class").toURI()).getParent();
        List<Path> classFiles;
        try (Stream<Path> files = Files.list(classes)) {
            classFiles = files.filter(file -> file.toString().endsWith(".class")).toList();
        }
        assertThat(classFiles).extracting(file -> file.getFileName().toString())
                .contains("JdbcLockBackend.class", "PostgresLockTableSql.class", "PostgresReleaseListener.class");

        for (Path classFile : classFiles) {
            String constants = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            for (String type : CLOCK_TYPES) {
                assertThat(constants).as("%s refers to %s", classFile.getFileName(), type).doesNotContain(type + ";")
                        .doesNotContain(lengthPrefixed(type));
            }
            for (String method : CLOCK_METHODS) {
                assertThat(constants).as("%s calls %s", classFile.getFileName(), method)
                        .doesNotContain(lengthPrefixed(method));
            }
        }
    }

    /** A CONSTANT_Utf8 entry: tag 1, two length bytes, the modified UTF-8 bytes. */
    private static String lengthPrefixed(String name) {
        return "\u0001" + (char) (name.length() >> 8) + (char) (name.length() & 0xff) + name;
    }
}
