package dev.distlock.testsupport.safety;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What one safety client does, passed on its command line.
 *
 * @param process     the client's name in the history, e.g. {@code p0}
 * @param factory     the {@link SafetyBackendFactory} class that builds its backend
 * @param backend     what the factory builds
 * @param databaseUrl the PostgreSQL database of the fenced resource and the history
 * @param databaseUser its user (trust authentication)
 * @param keys        how many lock keys the clients share ({@code k0}, {@code k1}, ...)
 * @param lease       the lease of every acquisition
 * @param waitFor     how long an attempt waits for a held key
 * @param work        the time spent inside the critical section, between the read and the write
 * @param clockSkew   the offset of the clock handed to this client's engine (zero: the true clock)
 */
record ClientOptions(String process, String factory, BackendSpec backend, String databaseUrl, String databaseUser,
                     int keys, Duration lease, Duration waitFor, Duration work, Duration clockSkew) {

    List<String> keyNames() {
        return IntStream.range(0, keys).mapToObj(ClientOptions::keyName).toList();
    }

    static String keyName(int index) {
        return "k" + index;
    }

    String encode() {
        return BackendSpec.of("client", Map.of(
                "process", process, "factory", factory, "backend", backend.encode(),
                "databaseUrl", databaseUrl, "databaseUser", databaseUser, "keys", Integer.toString(keys),
                "lease", lease.toString(), "waitFor", waitFor.toString(), "work", work.toString(),
                "clockSkew", clockSkew.toString())).encode();
    }

    static ClientOptions decode(String encoded) {
        BackendSpec values = BackendSpec.decode(encoded);
        return new ClientOptions(values.value("process"), values.value("factory"),
                BackendSpec.decode(values.value("backend")), values.value("databaseUrl"), values.value("databaseUser"),
                Integer.parseInt(values.value("keys")), Duration.parse(values.value("lease")),
                Duration.parse(values.value("waitFor")), Duration.parse(values.value("work")),
                Duration.parse(values.value("clockSkew")));
    }
}
