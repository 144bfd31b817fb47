package dev.distlock.testsupport.safety;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.distlock.Lease;
import dev.distlock.LockOptions;
import dev.distlock.engine.LockEngine;
import dev.distlock.engine.LockEventListener;
import dev.distlock.spi.LockBackend;

/**
 * One application instance of a safety run, in its own JVM (started by {@link SafetyHarness}
 * through {@code ChildJvm}). It takes the run's keys at random through the public API and, holding
 * one, increments that key's counter in the fenced resource by a fenced read and a fenced write,
 * recording every step in the shared history.
 *
 * <p>Line protocol. Input: {@code start}; {@code linger} (the next holder, after its read, announces
 * itself and waits for {@code proceed} before writing: a holder frozen mid-work for a fault to
 * strike); {@code proceed}; {@code stop}. Output: {@code ready}; {@code holding <key> <token>
 * <acquisition>}; {@code late <acquisition> accepted=<bool> valid=<bool>} (the lingering holder's
 * write); {@code stopped <acquisitions>}.
 */
public final class SafetyClient {

    private static final Duration LINGER_BOUND = Duration.ofMinutes(5);
    private static final Duration FAILURE_BACKOFF = Duration.ofMillis(50);

    private final ClientOptions options;
    private final SafetyStore store;
    private final LockEngine engine;
    private final LockBackend backend;
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "safety-recorder");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean linger = new AtomicBoolean();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile CountDownLatch proceed = new CountDownLatch(1);
    /** The acquisition this client's one worker holds now, for the engine's loss and renewal events. */
    private volatile Holding current;
    private long acquisitions;

    private record Holding(String key, String acquisition, long token) {
    }

    private SafetyClient(ClientOptions options) throws ReflectiveOperationException {
        this.options = options;
        this.store = SafetyStore.connect(options.databaseUrl(), options.databaseUser());
        SafetyBackendFactory factory = (SafetyBackendFactory) Class.forName(options.factory())
                .getDeclaredConstructor().newInstance();
        this.backend = factory.create(options.backend());
        this.engine = LockEngine.builder(backend)
                .namespace("safety")
                .clock(Clock.offset(Clock.systemUTC(), options.clockSkew()))
                .events(new HistoryEvents())
                .build();
    }

    public static void main(String[] args) throws Exception {
        SafetyClient client = new SafetyClient(ClientOptions.decode(args[0]));
        Thread worker = new Thread(client::work, "safety-worker");
        say("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "start" -> worker.start();
                case "linger" -> client.linger.set(true);
                case "proceed" -> client.proceed.countDown();
                case "stop" -> {
                    client.stop(worker);
                    return;
                }
                default -> say("unknown command " + line);
            }
        }
        client.stop(worker); // the parent went away
    }

    private void stop(Thread worker) throws InterruptedException {
        stop.countDown();
        proceed.countDown();
        worker.join(TimeUnit.SECONDS.toMillis(30));
        engine.close();
        backend.close();
        recorder.shutdown();
        recorder.awaitTermination(10, TimeUnit.SECONDS);
        store.close();
        say("stopped " + acquisitions);
        System.out.flush();
        // Client libraries may leave non-daemon threads behind: the process is done either way.
        Runtime.getRuntime().halt(0);
    }

    private void work() {
        List<String> keys = options.keyNames();
        LockOptions lockOptions = LockOptions.of(options.lease(), options.waitFor()).withName("safety");
        long sequence = 0;
        while (stop.getCount() > 0) {
            String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
            Optional<Lease> granted;
            try {
                granted = engine.tryAcquire(key, lockOptions);
            } catch (RuntimeException e) {
                store.record(options.process(), key, null, null, "FAILED", String.valueOf(e));
                awaitStop(FAILURE_BACKOFF);
                continue;
            }
            if (granted.isEmpty()) {
                store.record(options.process(), key, null, null, "DENIED", null);
                continue;
            }
            String acquisition = options.process() + "-" + (++sequence);
            try (Lease lease = granted.get()) {
                acquisitions++;
                criticalSection(key, acquisition, lease);
            } catch (RuntimeException e) {
                store.record(options.process(), key, acquisition, null, "FAILED", String.valueOf(e));
            } finally {
                current = null;
            }
        }
    }

    private void criticalSection(String key, String acquisition, Lease lease) {
        long token = lease.fencingToken();
        current = new Holding(key, acquisition, token);
        store.record(options.process(), key, acquisition, token, "ACQUIRED", null);
        OptionalLong counter = store.fencedRead(options.process(), key, acquisition, token);
        if (counter.isEmpty()) {
            return;
        }
        boolean late = linger.getAndSet(false);
        if (late) {
            say("holding " + key + " " + token + " " + acquisition);
            awaitProceed();
        } else if (!options.work().isZero()) {
            LockSupport.parkNanos(options.work().toNanos()); // the protected work itself
        }
        boolean valid = lease.isValid();
        boolean accepted = store.fencedWrite(options.process(), key, acquisition, token, counter.getAsLong() + 1,
                late ? "late, lease valid=" + valid : null);
        if (late) {
            say("late " + acquisition + " accepted=" + accepted + " valid=" + valid);
        }
    }

    private void awaitProceed() {
        try {
            proceed.await(LINGER_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        proceed = new CountDownLatch(1);
    }

    private void awaitStop(Duration atMost) {
        try {
            stop.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Loss and failed renewals, as the engine reports them, recorded off the engine's threads. */
    private final class HistoryEvents implements LockEventListener {

        @Override
        public void lost(String name, String key, String reason) {
            Holding holding = current;
            recordAsync(key, holding, "LOST", reason);
        }

        @Override
        public void renewed(String name, String key, boolean extended) {
            if (!extended) {
                recordAsync(key, current, "RENEW_FAILED", null);
            }
        }

        private void recordAsync(String fullKey, Holding holding, String kind, String detail) {
            String key = fullKey.substring(fullKey.indexOf(':') + 1);
            boolean ours = holding != null && holding.key().equals(key);
            recorder.execute(() -> store.record(options.process(), key, ours ? holding.acquisition() : null,
                    ours ? holding.token() : null, kind, detail));
        }
    }
}
