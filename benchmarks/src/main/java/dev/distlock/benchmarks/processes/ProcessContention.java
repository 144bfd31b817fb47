package dev.distlock.benchmarks.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.Keys;
import dev.distlock.benchmarks.support.LockClient;
import dev.distlock.testsupport.ChildJvm;

/**
 * Contention between processes: three JVMs (each a {@link ContentionWorker}: one client, one thread)
 * take turns on one key of one server, unfair mode, all in the same time window; this JVM only starts
 * the server and the workers and counts. Per round it records each JVM's grants, from which the
 * report takes the total grants per second and the spread between the JVMs (most / fewest grants).
 * The first round warms the JVMs up and is not recorded. JMH cannot measure this (a fork is one JVM),
 * so scripts/benchmarks.sh runs it as the suite {@code processes}.
 *
 * <p>Args: {@code <out.json> <rounds> <round seconds> <suite>:<impl>...}, e.g.
 * {@code processes-run1.json 5 10 redis:distlock-api jdbc:distlock-api}. Writes JSON:
 * {@code [{"suite", "impl", "jvms", "seconds", "rounds": [[grants of each JVM], ...], "gaveUp": [[attempts
 * of each JVM not granted within the client's waitFor], ...]}]}.
 */
public final class ProcessContention {

    static final int JVMS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** The workers start together this long after the command is sent. */
    private static final long START_DELAY_MILLIS = 500;

    private ProcessContention() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        ObjectMapper json = new ObjectMapper();
        ArrayNode results = json.createArrayNode();
        for (int i = 3; i < args.length; i++) {
            String[] target = args[i].split(":", 2);
            results.add(measure(json, target[0], target[1], rounds, seconds));
            json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
        }
        System.exit(0);
    }

    private static ObjectNode measure(ObjectMapper json, String suite, String impl, int rounds, int seconds) throws Exception {
        ObjectNode result = json.createObjectNode().put("suite", suite).put("impl", impl).put("jvms", JVMS).put("seconds", seconds);
        ArrayNode recorded = result.putArray("rounds");
        ArrayNode starved = result.putArray("gaveUp");
        ArrayNode storeErrors = result.putArray("failed");
        try (BackendBench bench = SharedBenches.start(suite)) {
            // One lock in this JVM first: it creates the tables, so that the workers do not race to.
            try (LockClient first = bench.client(impl)) {
                first.lockAndUnlock(Keys.ONE);
            }
            List<String> workerArgs = new ArrayList<>(List.of(suite, impl));
            workerArgs.addAll(bench.connection());
            List<ChildJvm> workers = new ArrayList<>();
            try {
                for (int i = 0; i < JVMS; i++) {
                    workers.add(ChildJvm.start(ContentionWorker.class, workerArgs.toArray(String[]::new)));
                }
                for (ChildJvm worker : workers) {
                    worker.awaitLine("ready", READY_TIMEOUT);
                }
                for (int round = 0; round <= rounds; round++) {
                    long[][] counts = round(workers, seconds);
                    System.out.printf("%s %s round %d%s: grants per JVM %s, attempts that gave up %s, failed %s%n", suite, impl,
                            round, round == 0 ? " (warm-up)" : "", Arrays.toString(counts[0]), Arrays.toString(counts[1]),
                            Arrays.toString(counts[2]));
                    if (round > 0) {
                        ArrayNode grants = recorded.addArray();
                        ArrayNode gaveUp = starved.addArray();
                        ArrayNode failed = storeErrors.addArray();
                        for (int i = 0; i < JVMS; i++) {
                            grants.add(counts[0][i]);
                            gaveUp.add(counts[1][i]);
                            failed.add(counts[2][i]);
                        }
                    }
                }
            } finally {
                // Killed, not asked to stop: nothing of theirs needs a clean shutdown, and closing a
                // JVM that is exiting by itself would race with its exit.
                workers.forEach(ChildJvm::close);
            }
        }
        return result;
    }

    /** Each JVM's grants ([0]), attempts that gave up ([1]) and attempts that failed with a store error ([2]) in one round. */
    private static long[][] round(List<ChildJvm> workers, int seconds) {
        long start = System.currentTimeMillis() + START_DELAY_MILLIS;
        for (ChildJvm worker : workers) {
            worker.send("run " + start + " " + seconds * 1000L);
        }
        long[][] counts = new long[3][workers.size()];
        for (int i = 0; i < workers.size(); i++) {
            // a blocked acquire may outlast the round by up to its waitFor (30 s)
            String[] words = workers.get(i).awaitLine("grants ", Duration.ofSeconds(seconds + 60L)).split(" ");
            counts[0][i] = Long.parseLong(words[1]);
            counts[1][i] = Long.parseLong(words[2]);
            counts[2][i] = Long.parseLong(words[3]);
        }
        return counts;
    }
}
