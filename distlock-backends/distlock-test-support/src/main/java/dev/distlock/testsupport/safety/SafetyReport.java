package dev.distlock.testsupport.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of a test JVM's safety runs: each row printed as it comes, and appended to
 * {@code target/safety-report.md} (or the file named by {@code -Dsafety.report}) so that a long run's
 * table can be pasted into docs/safety.md as it was produced.
 */
public final class SafetyReport {

    private static final List<SafetyFigures> rows = new ArrayList<>();

    private SafetyReport() {
    }

    static synchronized void add(SafetyFigures figures) {
        rows.add(figures);
        System.out.println("SAFETY " + figures.row());
        Path file = Path.of(System.getProperty("safety.report", "target/safety-report.md"));
        try {
            boolean fresh = rows.size() == 1 || !Files.exists(file); // a new table per test JVM
            if (fresh) {
                Files.deleteIfExists(file);
            }
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, (fresh ? SafetyFigures.HEADER + "\n" : "") + figures.row() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The table of every run so far in this JVM, as markdown. */
    public static synchronized String table() {
        StringBuilder table = new StringBuilder(SafetyFigures.HEADER);
        rows.forEach(row -> table.append('\n').append(row.row()));
        return table.toString();
    }
}
