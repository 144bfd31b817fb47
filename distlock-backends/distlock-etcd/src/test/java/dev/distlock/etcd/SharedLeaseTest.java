package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.LockBackendException;

/** How long a shared lease surely holds, counted from when its keep-alive was sent, never from its answer. */
class SharedLeaseTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void holdsForItsTtlFromTheSendOfItsLastAnsweredKeepAlive() {
        SharedLease lease = new SharedLease(1, 3, 3, 0);
        assertThat(lease.holdsFor(SECOND)).isEqualTo(Duration.ofSeconds(2));

        lease.keptAlive(2 * SECOND, 3);
        assertThat(lease.holdsFor(3 * SECOND)).isEqualTo(Duration.ofSeconds(2));

        lease.keptAlive(SECOND, 3); // an older keep-alive answered late buys nothing
        assertThat(lease.holdsFor(3 * SECOND)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aFailedKeepAliveOrTimeUsedUpIsAnErrorNotARefusal() {
        SharedLease lease = new SharedLease(1, 3, 3, 0);
        assertThatThrownBy(() -> lease.holdsFor(3 * SECOND)).isInstanceOf(LockBackendException.class);

        lease.keptAlive(3 * SECOND, 3);
        lease.keepAliveFailed();
        assertThatThrownBy(() -> lease.holdsFor(4 * SECOND)).isInstanceOf(LockBackendException.class);

        lease.keptAlive(4 * SECOND, 3);
        assertThat(lease.holdsFor(4 * SECOND)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void keepsAliveAtOnceWhenWhatItBoughtEndsWithinOnePeriod() {
        SharedLease lease = new SharedLease(1, 3, 3, 0);
        assertThat(lease.keepAlivePeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(lease.needsKeepAliveNow(SECOND)).isFalse();
        assertThat(lease.needsKeepAliveNow(2 * SECOND + 1)).isTrue();
    }
}
