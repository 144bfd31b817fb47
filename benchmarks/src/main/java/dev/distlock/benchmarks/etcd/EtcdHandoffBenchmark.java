package dev.distlock.benchmarks.etcd;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.HandoffWorkload;

/** etcd, release to the next waiter holding: the floor of a waiting client, distlock and jetcd's Lock. */
public class EtcdHandoffBenchmark extends HandoffWorkload {

    @Param({"floor-waiting", "distlock-api", "jetcd-lock"})
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
