package dev.distlock.benchmarks.etcd;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.ContendedWorkload;

/** etcd, four threads on one key: the clients that wait. */
public class EtcdContendedBenchmark extends ContendedWorkload {

    @Param({"distlock-api", "distlock-annotation", "jetcd-lock"})
    public String impl;

    @Override
    protected BackendBench startBackend() {
        return new EtcdBench();
    }

    @Override
    protected String impl() {
        return impl;
    }
}
