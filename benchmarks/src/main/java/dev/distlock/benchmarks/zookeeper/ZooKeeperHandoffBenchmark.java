package dev.distlock.benchmarks.zookeeper;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.HandoffWorkload;

/** ZooKeeper, release to the next waiter holding. */
public class ZooKeeperHandoffBenchmark extends HandoffWorkload {

    @Param({"floor-waiting", "distlock-backend", "distlock-api", "distlock-api-fair", "curator-mutex"})
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
