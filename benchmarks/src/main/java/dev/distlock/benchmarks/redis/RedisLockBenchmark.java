package dev.distlock.benchmarks.redis;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.UncontendedWorkloads;

/** Redis, one thread: the plain and the fenced floor, distlock (API and annotation) and the three peers. */
public class RedisLockBenchmark extends UncontendedWorkloads {

    @Param({"floor", "floor-fenced", "distlock-api", "distlock-annotation", "redisson", "spring-integration", "shedlock"})
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
