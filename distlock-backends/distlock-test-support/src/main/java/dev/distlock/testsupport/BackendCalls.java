package dev.distlock.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import dev.distlock.spi.AcquireResult;

/** What a test that calls a {@code LockBackend} directly needs: fresh owners and the token of a grant. */
public final class BackendCalls {

    private BackendCalls() {
    }

    /** A new owner, shaped as the engine makes them: {@code <instance-uuid>:<sequence>}. */
    public static String owner() {
        return UUID.randomUUID() + ":1";
    }

    /** Asserts that the attempt was granted and returns its fencing token. */
    public static long token(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) result).fencingToken();
    }
}
