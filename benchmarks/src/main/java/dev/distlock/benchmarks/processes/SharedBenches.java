package dev.distlock.benchmarks.processes;

import java.util.List;

import dev.distlock.benchmarks.etcd.EtcdBench;
import dev.distlock.benchmarks.jdbc.JdbcBench;
import dev.distlock.benchmarks.redis.RedisBench;
import dev.distlock.benchmarks.support.BackendBench;

/** The benches whose server other JVMs can reach, by suite name: started in one JVM, attached in others. */
final class SharedBenches {

    static final List<String> SUITES = List.of("redis", "jdbc", "mariadb", "etcd");

    private SharedBenches() {
    }

    /** Starts the suite's server (or creates its database). */
    static BackendBench start(String suite) {
        return switch (suite) {
            case "redis" -> new RedisBench();
            case "jdbc" -> JdbcBench.postgres();
            case "mariadb" -> JdbcBench.mariaDb();
            case "etcd" -> new EtcdBench();
            default -> throw new IllegalArgumentException("No bench across processes for suite '" + suite + "' " + SUITES);
        };
    }

    /** The server another JVM started, from its {@link BackendBench#connection()}. */
    static BackendBench attach(String suite, List<String> connection) {
        return switch (suite) {
            case "redis" -> RedisBench.attach(connection);
            case "jdbc", "mariadb" -> JdbcBench.attach(connection);
            case "etcd" -> EtcdBench.attach(connection);
            default -> throw new IllegalArgumentException("No bench across processes for suite '" + suite + "' " + SUITES);
        };
    }
}
