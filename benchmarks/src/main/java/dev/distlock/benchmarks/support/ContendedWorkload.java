package dev.distlock.benchmarks.support;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/** For clients that wait: four threads of one process take turns on one key. */
@State(Scope.Benchmark)
public abstract class ContendedWorkload extends ClientState {

    /** Acquisitions (each followed by its release) per second, over the four threads. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(4)
    public void contended() {
        client.lockAndUnlock(Keys.ONE);
    }
}
