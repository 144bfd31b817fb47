package dev.distlock.benchmarks.interceptor;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.distlock.LockOptions;
import dev.distlock.benchmarks.support.AnnotatedService;
import dev.distlock.benchmarks.support.DistlockAnnotationClient;
import dev.distlock.engine.LockEngine;
import dev.distlock.inmemory.InMemoryLockBackend;

/**
 * The interceptor's own cost, on the in-memory backend (no network): an annotated call against a
 * plain call of the same proxied bean, and against the same lock taken through the API, so that the
 * difference splits into the engine's part and the interceptor's part.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InterceptorBenchmark {

    private static final String KEY = "bench-lock";
    private static final LockOptions OPTIONS = LockOptions.of(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30));

    private DistlockAnnotationClient context;
    private AnnotatedService service;
    private LockEngine engine;

    @Setup(Level.Trial)
    public void start() {
        context = new DistlockAnnotationClient(new InMemoryLockBackend());
        service = context.service();
        engine = context.engine();
    }

    @TearDown(Level.Trial)
    public void stop() {
        context.close();
    }

    /** The un-annotated method of the proxied bean: the call without any lock. */
    @Benchmark
    public void plainCall() {
        service.plain(KEY);
    }

    /** The lock taken and released through the API, on the engine the interceptor uses. */
    @Benchmark
    public void apiCall() {
        engine.tryAcquire(KEY, OPTIONS).orElseThrow().close();
    }

    /** {@code @DistributedLock(key = "#key")}: the SpEL key is evaluated on every call. */
    @Benchmark
    public void annotatedCall() {
        service.locked(KEY);
    }

    /** {@code @DistributedLock} without a key: one lock per method, nothing to evaluate. */
    @Benchmark
    public void annotatedByNameCall() {
        service.lockedByName();
    }
}
