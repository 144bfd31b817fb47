package dev.distlock.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running {@code mainClass} from the test's own classpath: a second application
 * instance for tests across processes. It talks in lines: the test writes commands to its standard
 * input and reads its standard output. Faults are real signals: {@link #kill()} is kill -9,
 * {@link #pause()} SIGSTOP.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private volatile boolean readerDone;

    private ChildJvm(Process process) {
        this.process = process;
        this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread reader = new Thread(this::readLines, "child-jvm-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM on this JVM's classpath. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return start(List.of(), mainClass, args);
    }

    /** Like {@link #start(Class, String...)}, with more JVM options (e.g. {@code -XX:TieredStopAtLevel=1}). */
    public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            return new ChildJvm(process);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a JVM for " + mainClass.getName(), e);
        }
    }

    /** Sends one line to the child's standard input. */
    public void send(String line) {
        commands.println(line);
    }

    /** The next output line that starts with {@code prefix}, skipping others (log lines). */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long remaining = deadline - System.nanoTime();
                // In slices, so that a child that died is reported at once rather than at the deadline.
                String line = remaining > 0 ? lines.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS) : null;
                if (line == null && remaining > 0 && (process.isAlive() || readerRunning())) {
                    continue;
                }
                if (line == null) {
                    throw new AssertionError("No line starting with '" + prefix + "' from the child JVM within "
                            + timeout + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
                            + "; its output:\n" + transcript());
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the child JVM", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: the JVM dies without running finally blocks or shutdown hooks. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: every thread of the JVM stops, as in a long GC pause. */
    public void pause() {
        Signals.send("STOP", process.pid());
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        Signals.send("CONT", process.pid());
    }

    public synchronized String transcript() {
        return String.join("\n", transcript);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume();
            kill();
        }
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    transcript.add(line);
                }
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            readerDone = true;
        }
    }

    /** Output may still be on its way from a process that just ended. */
    private boolean readerRunning() {
        return !readerDone || !lines.isEmpty();
    }
}
