package dev.distlock.testsupport.safety;

import java.time.Duration;
import java.util.List;

import dev.distlock.testsupport.ChildJvm;

/** The harness's handle on one {@link SafetyClient} JVM. */
public final class ClientProcess implements AutoCloseable {

    /** Small heap, serial GC and C1 only: three or more clients share two cores with the servers. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final String name;
    private final ChildJvm jvm;
    private boolean stopped;

    /** A holder frozen mid-work by {@code linger}: it has read the counter and waits to write. */
    public record Holding(String process, String key, long token, String acquisition) {
    }

    /** The lingering holder's write once it was let go: whether the resource took it, and whether its lease was still valid. */
    public record LateWrite(String acquisition, boolean accepted, boolean leaseValid) {
    }

    private ClientProcess(String name, ChildJvm jvm) {
        this.name = name;
        this.jvm = jvm;
    }

    static ClientProcess start(ClientOptions options) {
        ChildJvm jvm = ChildJvm.start(JVM_OPTIONS, SafetyClient.class, options.encode());
        ClientProcess process = new ClientProcess(options.process(), jvm);
        try {
            jvm.awaitLine("ready", START_BOUND);
        } catch (AssertionError e) {
            jvm.close();
            throw e;
        }
        return process;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    void begin() {
        jvm.send("start");
    }

    /** Asks the next holder of this client to stop after its read and announce itself; waits for it. */
    public Holding linger(Duration atMost) {
        jvm.send("linger");
        String[] parts = jvm.awaitLine("holding ", atMost).split(" ");
        return new Holding(name, parts[1], Long.parseLong(parts[2]), parts[3]);
    }

    /** Lets the lingering holder write, and waits for the outcome. */
    public LateWrite proceed(Duration atMost) {
        jvm.send("proceed");
        String[] parts = jvm.awaitLine("late ", atMost).split(" ");
        return new LateWrite(parts[1], parts[2].equals("accepted=true"), parts[3].equals("valid=true"));
    }

    /** kill -9. */
    public void kill() {
        jvm.kill();
    }

    /** SIGSTOP. */
    public void pause() {
        jvm.pause();
    }

    /** SIGCONT. */
    public void resume() {
        jvm.resume();
    }

    /** Asks the client to finish (release what it holds, close its backend) and waits for it. */
    void stop(Duration atMost) {
        if (stopped || !jvm.isAlive()) {
            return;
        }
        stopped = true;
        jvm.send("stop");
        jvm.awaitLine("stopped", atMost);
    }

    public String transcript() {
        return jvm.transcript();
    }

    /** The client's threads now (jcmd Thread.print), for the report of a wait that timed out. */
    String threadDump() {
        if (!jvm.isAlive()) {
            return "(exited)";
        }
        try {
            Process jcmd = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(jvm.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            return dump;
        } catch (java.io.IOException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    @Override
    public void close() {
        jvm.close();
    }
}
