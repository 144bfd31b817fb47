package dev.distlock.benchmarks.redis;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.HandoffWorkload;

/**
 * Redis, release to the next waiter holding: the clients that wait and hand a held lock to their
 * caller, and the floor of a waiting client ({@code floor-waiting}: release and publish in one
 * script, the waiter subscribed once, no poll).
 */
public class RedisHandoffBenchmark extends HandoffWorkload {

    @Param({"floor-waiting", "distlock-api", "redisson", "spring-integration"})
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
