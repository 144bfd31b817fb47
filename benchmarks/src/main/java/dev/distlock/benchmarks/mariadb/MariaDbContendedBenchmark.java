package dev.distlock.benchmarks.mariadb;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.jdbc.JdbcBench;
import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.ContendedWorkload;

/** MariaDB, four threads on one key: the clients that wait. */
public class MariaDbContendedBenchmark extends ContendedWorkload {

    @Param({"distlock-api", "distlock-annotation", "spring-integration"})
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
