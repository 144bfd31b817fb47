package dev.distlock.benchmarks.zookeeper;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.UncontendedWorkloads;

/** ZooKeeper, one thread: the floor, distlock (API and annotation) and Curator's InterProcessMutex. (ShedLock's ZooKeeper provider 6.10.0 does not resolve here.) */
public class ZooKeeperLockBenchmark extends UncontendedWorkloads {

    @Param({"floor", "distlock-api", "distlock-annotation", "curator-mutex"})
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
