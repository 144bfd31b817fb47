package dev.distlock.benchmarks.jdbc;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.ContendedWorkload;

/** PostgreSQL, four threads on one key: the clients that wait. */
public class JdbcContendedBenchmark extends ContendedWorkload {

    @Param({"distlock-api", "distlock-annotation", "spring-integration"})
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
