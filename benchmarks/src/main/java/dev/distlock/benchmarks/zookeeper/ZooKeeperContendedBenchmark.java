package dev.distlock.benchmarks.zookeeper;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.ContendedWorkload;

/** ZooKeeper, four threads on one key: the clients that wait. */
public class ZooKeeperContendedBenchmark extends ContendedWorkload {

    @Param({"distlock-api", "distlock-annotation", "curator-mutex"})
    public String impl;

    @Override
    protected BackendBench startBackend() {
        return new ZooKeeperBench();
    }

    @Override
    protected String impl() {
        return impl;
    }
}
