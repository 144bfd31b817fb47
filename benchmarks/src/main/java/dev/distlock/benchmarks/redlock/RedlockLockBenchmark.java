package dev.distlock.benchmarks.redlock;

import org.openjdk.jmh.annotations.Param;

import dev.distlock.benchmarks.support.BackendBench;
import dev.distlock.benchmarks.support.UncontendedWorkloads;

/**
 * Redlock over three nodes, one thread: the single-node fenced floor (x3 is the naive price), the
 * fenced floor on each node in turn and on all three in parallel, distlock and Redisson's RedLock.
 */
public class RedlockLockBenchmark extends UncontendedWorkloads {

    @Param({"floor-fenced", "floor-sequential", "floor-parallel", "distlock-api", "redisson-redlock"})
    public String impl;

    @Override
    protected BackendBench startBackend() {
        return new RedlockBench();
    }

    @Override
    protected String impl() {
        return impl;
    }
}
