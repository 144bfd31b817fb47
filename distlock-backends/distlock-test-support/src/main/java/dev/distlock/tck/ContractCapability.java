package dev.distlock.tck;

import dev.distlock.spi.KeyHandOver;
import dev.distlock.spi.LockBackend;
import dev.distlock.spi.ReleaseNotifications;

/** An ability a backend may claim, which a contract test then proves: one constant per gated test. */
enum ContractCapability {

    /** {@code capabilities().fair()}: grants follow request order. */
    FAIR("capabilities().fair()") {
        @Override
        boolean claimedBy(LockBackend backend) {
            return backend.capabilities().fair();
        }
    },

    /** The backend implements {@link KeyHandOver}: a key passes to the next owner in one call. */
    HAND_OVER("implements KeyHandOver") {
        @Override
        boolean claimedBy(LockBackend backend) {
            return backend instanceof KeyHandOver;
        }
    },

    /** The backend implements {@link ReleaseNotifications}: a release wakes the waiters, no polling. */
    RELEASE_NOTIFICATIONS("implements ReleaseNotifications") {
        @Override
        boolean claimedBy(LockBackend backend) {
            return backend instanceof ReleaseNotifications;
        }
    };

    private final String claim;

    ContractCapability(String claim) {
        this.claim = claim;
    }

    abstract boolean claimedBy(LockBackend backend);

    /** How a backend claims it, for the messages of skipped and failed classes. */
    String claim() {
        return claim;
    }
}
