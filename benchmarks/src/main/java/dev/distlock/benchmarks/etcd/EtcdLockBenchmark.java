package dev.distlock.benchmarks.etcd;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.UncontendedWorkloads;

/** etcd, one thread: the floors, distlock (API and annotation) and jetcd's Lock service. (ShedLock's etcd provider 6.10.0 does not resolve here.) */
public class EtcdLockBenchmark extends UncontendedWorkloads {

    @Param({"floor", "floor-lease-per-lock", "distlock-api", "distlock-annotation", "jetcd-lock"})
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
