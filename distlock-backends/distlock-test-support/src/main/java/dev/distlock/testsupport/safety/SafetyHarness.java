package dev.distlock.testsupport.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

import org.awaitility.Awaitility;

import dev.distlock.testsupport.PostgresTestDatabase;

/**
 * The multi-process safety harness: at least three client JVMs ({@link SafetyClient}) take the same
 * few keys through the public API and, holding one, increment its counter in a fenced resource in
 * PostgreSQL, while a {@link Scenario} injects its fault; the history is then checked
 * ({@link HistoryCheck}) and the figures printed as a table row ({@link SafetyReport}).
 *
 * <p>A run lasts one fault cycle by default (the short run CI does); {@code -Dsafety.duration=PT2M}
 * repeats the cycles until that much time has passed. The resource and history live in a database
 * of their own on the machine's PostgreSQL, created and dropped per run.
 */
public final class SafetyHarness {

    /** System property: how long each scenario runs its fault cycles; unset means one cycle. */
    public static final String DURATION_PROPERTY = "safety.duration";

    private final String backendName;
    private final Class<? extends SafetyBackendFactory> factory;
    private final IntFunction<BackendSpec> specOfClient;
    private final int clients;
    private final int keys;
    private final Duration lease;
    private final Duration waitFor;
    private final Duration work;
    private final Duration duration;
    private final Duration faultWindow;

    private SafetyHarness(Builder builder) {
        this.backendName = builder.backendName;
        this.factory = builder.factory;
        this.specOfClient = builder.specOfClient;
        this.clients = builder.clients;
        this.keys = builder.keys;
        this.lease = builder.lease;
        this.waitFor = builder.waitFor;
        this.work = builder.work;
        this.duration = builder.duration;
        this.faultWindow = builder.faultWindow;
    }

    /**
     * @param backendName the backend's name in the table, e.g. "redis (single)"
     * @param factory     builds the backend in each client JVM; on the test classpath
     * @param specOfClient the backend spec of each client, by index (client 0 may go through a proxy)
     */
    public static Builder builder(String backendName, Class<? extends SafetyBackendFactory> factory,
                                  IntFunction<BackendSpec> specOfClient) {
        return new Builder(backendName, factory, specOfClient);
    }

    /** The run length asked for with {@value #DURATION_PROPERTY}, else zero (one fault cycle). */
    public static Duration requestedDuration() {
        String value = System.getProperty(DURATION_PROPERTY);
        return value == null || value.isBlank() ? Duration.ZERO : Duration.parse(value);
    }

    /** Runs {@code scenario}, checks the run-wide figures and returns them (also printed and reported). */
    public SafetyFigures run(Scenario scenario) {
        try (PostgresTestDatabase database = PostgresTestDatabase.create("safety");
             SafetyStore store = SafetyStore.connect(database.jdbcUrl(), database.user())) {
            List<String> keyNames = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                keyNames.add(ClientOptions.keyName(i));
            }
            store.createSchema(keyNames);
            IntFunction<ClientOptions> optionsOfSlot = slot -> new ClientOptions("p" + slot, factory.getName(),
                    specOfClient.apply(slot), database.jdbcUrl(), database.user(), keys, lease, waitFor, work,
                    scenario.clockSkew().apply(slot));
            List<ClientProcess> processes = startClients(optionsOfSlot);
            try (SafetyRun run = new SafetyRun(store, processes, optionsOfSlot, lease, faultWindow)) {
                long started = System.nanoTime();
                processes.forEach(ClientProcess::begin);
                run.awaitAcquisitions(2 * clients);
                do {
                    scenario.fault().inject(run);
                } while (System.nanoTime() - started < duration.toNanos());
                run.awaitAcquisitions(3); // still granting after the last fault
                stopAll(processes);
                Duration ran = Duration.ofNanos(System.nanoTime() - started);
                SafetyFigures figures = new HistoryCheck(store.history())
                        .figures(backendName, scenario.name(), ran, clients, lease, store.counterSum());
                SafetyReport.add(figures);
                assertSafe(scenario, figures);
                return figures;
            } finally {
                processes.forEach(ClientProcess::close);
            }
        }
    }

    /** The figures every backend must hold under every scenario. */
    private void assertSafe(Scenario scenario, SafetyFigures figures) {
        assertThat(figures.overlaps()).as("%s / %s: overlapping accepted critical sections", backendName, scenario.name()).isZero();
        assertThat(figures.lostUpdates()).as("%s / %s: lost updates", backendName, scenario.name()).isZero();
        assertThat(figures.staleAccepted()).as("%s / %s: writes accepted with a stale token", backendName, scenario.name()).isZero();
        if (scenario.boundsRecovery()) {
            assertThat(figures.recovery()).as("%s / %s: recovery after a crash", backendName, scenario.name())
                    .isNotNull().isLessThanOrEqualTo(lease.plusSeconds(1));
        }
    }

    /** Starts every client JVM at once (they boot in parallel), then waits for each to be ready. */
    private List<ClientProcess> startClients(IntFunction<ClientOptions> optionsOfSlot) {
        List<ClientProcess> started = new ArrayList<>();
        List<Thread> starters = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        ClientProcess[] slots = new ClientProcess[clients];
        for (int slot = 0; slot < clients; slot++) {
            int index = slot;
            Thread starter = new Thread(() -> {
                try {
                    slots[index] = ClientProcess.start(optionsOfSlot.apply(index));
                } catch (RuntimeException | AssertionError e) {
                    synchronized (failures) {
                        failures.add(new IllegalStateException("client " + index + " did not start", e));
                    }
                }
            }, "safety-start-" + slot);
            starter.start();
            starters.add(starter);
        }
        for (Thread starter : starters) {
            try {
                starter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ClientProcess slot : slots) {
            if (slot != null) {
                started.add(slot);
            }
        }
        if (!failures.isEmpty()) {
            started.forEach(ClientProcess::close);
            throw failures.get(0);
        }
        return started;
    }

    private static void stopAll(List<ClientProcess> processes) {
        processes.stream().filter(ClientProcess::isAlive).forEach(process -> process.stop(Duration.ofSeconds(60)));
        Awaitility.await("client JVMs exited").atMost(Duration.ofSeconds(30))
                .until(() -> processes.stream().noneMatch(ClientProcess::isAlive));
    }

    /** Configures a {@link SafetyHarness}. */
    public static final class Builder {

        private final String backendName;
        private final Class<? extends SafetyBackendFactory> factory;
        private final IntFunction<BackendSpec> specOfClient;
        private int clients = 3;
        private int keys = 2;
        private Duration lease = Duration.ofSeconds(1);
        private Duration waitFor = Duration.ofSeconds(2);
        private Duration work = Duration.ofMillis(2);
        private Duration duration = requestedDuration();
        private Duration faultWindow = Duration.ofSeconds(2);

        private Builder(String backendName, Class<? extends SafetyBackendFactory> factory, IntFunction<BackendSpec> specOfClient) {
            this.backendName = Objects.requireNonNull(backendName, "backendName");
            this.factory = Objects.requireNonNull(factory, "factory");
            this.specOfClient = Objects.requireNonNull(specOfClient, "specOfClient");
        }

        /** Client JVMs, at least 3 (default 3). */
        public Builder clients(int clients) {
            if (clients < 3) {
                throw new IllegalArgumentException("The harness runs at least 3 client processes, not " + clients);
            }
            this.clients = clients;
            return this;
        }

        /** Keys the clients share (default 2). */
        public Builder keys(int keys) {
            this.keys = keys;
            return this;
        }

        /** The lease of every acquisition (default 1 s). */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** How long an attempt waits for a held key (default 2 s). */
        public Builder waitFor(Duration waitFor) {
            this.waitFor = waitFor;
            return this;
        }

        /** Time spent between the read and the write of a critical section (default 2 ms). */
        public Builder work(Duration work) {
            this.work = work;
            return this;
        }

        /** How long a node stays down in a node-restart cycle (default 2 s). */
        public Builder faultWindow(Duration faultWindow) {
            this.faultWindow = faultWindow;
            return this;
        }

        /** Overrides {@value #DURATION_PROPERTY}. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public SafetyHarness build() {
            return new SafetyHarness(this);
        }
    }
}
