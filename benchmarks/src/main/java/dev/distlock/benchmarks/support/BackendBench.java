package dev.distlock.benchmarks.support;

import java.util.List;

/**
 * One backend's server (started on a free loopback port) and the clients to compare on it, by the
 * names the benchmarks' {@code impl} parameter takes. Closing stops the server.
 */
public interface BackendBench extends AutoCloseable {

    /** A new client named {@code impl}, connected to this server; the caller closes it. */
    LockClient client(String impl) throws Exception;

    /**
     * What a bench in another JVM needs to reach this bench's server (its {@code attach} factory
     * takes it): for the benchmarks across processes.
     */
    default List<String> connection() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be reached from another JVM");
    }

    @Override
    void close() throws Exception;
}
