package dev.distlock.benchmarks.support;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The single-thread workloads every client can run, blocking or not. Sample mode: the score is the
 * mean, and the percentiles come with it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public abstract class UncontendedWorkloads extends ClientState {

    private int next;

    /** Acquire + release of one key that nobody else wants. */
    @Benchmark
    public void uncontended() {
        client.lockAndUnlock(Keys.ONE);
    }

    /** Acquire + release of 10,000 distinct keys in turn: per-key state on client and server. */
    @Benchmark
    public void manyKeys() {
        client.lockAndUnlock(Keys.many(next++));
    }
}
