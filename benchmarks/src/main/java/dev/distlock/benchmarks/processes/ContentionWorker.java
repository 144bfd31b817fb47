package dev.distlock.benchmarks.processes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.Keys;
import dev.distlock.benchmarks.support.LockClient;

/**
 * One of the JVMs of {@link ProcessContention}: one client, one thread, taking and releasing the
 * shared key for as long as each round lasts, counting its grants.
 *
 * <p>Args: {@code <suite> <impl> <connection...>} (see {@link SharedBenches}). Talks in lines: prints
 * {@code ready}; on {@code run <start epoch ms> <duration ms>} waits for the start, runs until the
 * end and prints {@code grants <count> <attempts that gave up>}; at the end of its input it closes and exits (the
 * coordinator kills it instead).
 */
public final class ContentionWorker {

    private ContentionWorker() {
    }

    public static void main(String[] args) throws Exception {
        String suite = args[0];
        String impl = args[1];
        List<String> connection = Arrays.asList(args).subList(2, args.length);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (BackendBench bench = SharedBenches.attach(suite, connection); LockClient client = bench.client(impl)) {
            System.out.println("ready");
            String command;
            while ((command = commands.readLine()) != null && command.startsWith("run ")) {
                String[] words = command.split(" ");
                long[] counts = run(client, Long.parseLong(words[1]), Long.parseLong(words[2]));
                System.out.println("grants " + counts[0] + " " + counts[1] + " " + counts[2]);
            }
        }
        System.exit(0); // client libraries may leave non-daemon threads behind
    }

    /**
     * Grants whose acquire and release both ended before the round did, the attempts that gave up
     * (not granted within the client's waitFor, 30 s: a starved JVM), and those that failed with the
     * store's error (a call past its timeout under load): counted, and the worker goes on.
     */
    private static long[] run(LockClient client, long startEpochMillis, long durationMillis) {
        long wait = startEpochMillis - System.currentTimeMillis();
        if (wait > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMillis);
        long grants = 0;
        long gaveUp = 0;
        long failed = 0;
        while (true) {
            Outcome outcome = Outcome.GRANTED;
            try {
                client.lockAndUnlock(Keys.ONE);
            } catch (LockClient.NotGranted starved) {
                outcome = Outcome.GAVE_UP;
            } catch (RuntimeException storeError) {
                outcome = Outcome.FAILED;
            }
            if (System.nanoTime() - end >= 0) {
                return new long[] {grants, gaveUp, failed};
            }
            switch (outcome) {
                case GRANTED -> grants++;
                case GAVE_UP -> gaveUp++;
                case FAILED -> failed++;
            }
        }
    }

    private enum Outcome { GRANTED, GAVE_UP, FAILED }
}
