package dev.distlock.benchmarks.jdbc;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.HandoffWorkload;

/** PostgreSQL, release to the next waiter holding. */
public class JdbcHandoffBenchmark extends HandoffWorkload {

    @Param({"floor-waiting", "distlock-api", "spring-integration"})
    public String impl;

    @Override
    protected BackendBench startBackend() {
        return JdbcBench.postgres();
    }

    @Override
    protected String impl() {
        return impl;
    }
}
