package dev.distlock.benchmarks.redis;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.HandoffWorkload;

/** Redis, release to the next waiter holding: the clients that wait and hand a held lock to their caller. */
public class RedisHandoffBenchmark extends HandoffWorkload {

    @Param({"distlock-api", "redisson", "spring-integration"})
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
