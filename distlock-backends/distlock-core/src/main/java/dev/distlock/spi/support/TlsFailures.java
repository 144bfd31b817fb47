package dev.distlock.spi.support;

import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.Collections;

import javax.net.ssl.SSLException;

/**
 * Tells, by type, whether a failed connection failed in TLS: an untrusted server certificate, a
 * client certificate the server refused, a protocol the two sides do not share. Such a failure does
 * not heal by retrying, unlike a store that is down, so start-up can refuse it with the fix.
 */
public final class TlsFailures {

    private TlsFailures() {
    }

    /** The first {@link SSLException} in {@code failure}'s cause chain (itself included), if any. */
    public static Optional<SSLException> in(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (cause instanceof SSLException ssl) {
                return Optional.of(ssl);
            }
        }
        return Optional.empty();
    }
}
