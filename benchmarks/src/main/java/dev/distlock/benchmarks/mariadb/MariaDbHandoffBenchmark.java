package dev.distlock.benchmarks.mariadb;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.jdbc.JdbcBench;
import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.HandoffWorkload;

/** MariaDB, release to the next waiter holding. */
public class MariaDbHandoffBenchmark extends HandoffWorkload {

    @Param({"distlock-api", "spring-integration"})
    public String impl;

    @Override
    protected BackendBench startBackend() {
        return JdbcBench.mariaDb();
    }

    @Override
    protected String impl() {
        return impl;
    }
}
