package dev.distlock.spi.support;

import java.util.Optional;

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
        return Causes.find(failure, SSLException.class);
    }
}
