package dev.distlock.benchmarks.redis;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.ContendedWorkload;

/** Redis, four threads on one key: the clients that wait (ShedLock and the floor only try once). */
public class RedisContendedBenchmark extends ContendedWorkload {

    @Param({"distlock-api", "distlock-annotation", "redisson", "spring-integration"})
    public String impl;

    @Override
    protected BackendBench startBackend() {
        return new RedisBench();
    }

    @Override
    protected String impl() {
        return impl;
    }
}
