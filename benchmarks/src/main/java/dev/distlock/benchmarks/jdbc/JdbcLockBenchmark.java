package dev.distlock.benchmarks.jdbc;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.UncontendedWorkloads;

/** PostgreSQL, one thread: the floor (plain, and with each call bounded by a deadline), distlock (API and annotation), ShedLock's JdbcTemplate provider and Spring Integration's JdbcLockRegistry. */
public class JdbcLockBenchmark extends UncontendedWorkloads {

    @Param({"floor", "floor-bounded", "distlock-api", "distlock-annotation", "shedlock", "spring-integration"})
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
