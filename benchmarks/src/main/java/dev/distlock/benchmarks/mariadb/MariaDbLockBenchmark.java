package dev.distlock.benchmarks.mariadb;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.jdbc.JdbcBench;
import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.UncontendedWorkloads;

/** MariaDB, one thread: the floor (plain, and with each call bounded by a deadline), distlock (API and annotation), ShedLock's JdbcTemplate provider and Spring Integration's JdbcLockRegistry. */
public class MariaDbLockBenchmark extends UncontendedWorkloads {

    @Param({"floor", "floor-bounded", "distlock-api", "distlock-annotation", "shedlock", "spring-integration"})
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
