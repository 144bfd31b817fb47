package dev.distlock.autoconfigure.backend;

import dev.distlock.spi.support.TlsFailures;

/**
 * Fails start-up when a backend's first connection failed in TLS (an untrusted server certificate,
 * a refused client certificate): that never heals by itself, unlike a store that is down, which
 * start-up leaves to the engine's retries and to health.
 */
public final class TlsStartUpCheck {

    private TlsStartUpCheck() {
    }

    /**
     * @param store   what could not be reached, e.g. "Redis at 127.0.0.1:6380"
     * @param failure why the connection failed
     * @param action  the properties that set the trust or the client certificate
     * @throws LockBackendNotAvailableException when {@code failure} is a TLS failure
     */
    public static void refuseTlsFailure(String store, Throwable failure, String action) {
        TlsFailures.in(failure).ifPresent(tls -> {
            throw new LockBackendNotAvailableException("The TLS handshake with " + store + " failed: " + tls
                    + " (" + failure + ").", action);
        });
    }
}
