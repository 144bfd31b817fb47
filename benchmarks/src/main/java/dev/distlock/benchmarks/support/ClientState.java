package dev.distlock.benchmarks.support;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The trial's server and client: a backend's benchmark says which server ({@link #startBackend()})
 * and which client ({@link #impl()}, its {@code @Param}); one server per trial, so that no client
 * finds another's keys or connections.
 */
@State(Scope.Benchmark)
public abstract class ClientState {

    protected LockClient client;
    /** A second, independent client of the same kind (as another process has), when {@link #needsOtherClient()}. */
    protected LockClient otherClient;
    private BackendBench backend;

    protected abstract BackendBench startBackend() throws Exception;

    protected abstract String impl();

    protected boolean needsOtherClient() {
        return false;
    }

    @Setup(Level.Trial)
    public void startServerAndClient() throws Exception {
        backend = startBackend();
        client = backend.client(impl());
        if (needsOtherClient()) {
            otherClient = backend.client(impl());
        }
    }

    @TearDown(Level.Trial)
    public void stopClientAndServer() throws Exception {
        try (BackendBench stopping = backend; LockClient first = client; LockClient other = otherClient) {
            // closed in reverse order: the clients, then the server
        }
    }
}
