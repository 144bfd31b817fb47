package dev.distlock.benchmarks.support;

/**
 * One backend's server (started on a free loopback port) and the clients to compare on it, by the
 * names the benchmarks' {@code impl} parameter takes. Closing stops the server.
 */
public interface BackendBench extends AutoCloseable {

    /** A new client named {@code impl}, connected to this server; the caller closes it. */
    LockClient client(String impl) throws Exception;

    @Override
    void close() throws Exception;
}
