package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.AcquireRequest;
import dev.distlock.spi.AcquireResult;
import dev.distlock.spi.LockBackendException;

/**
 * An unfair attempt that finds the key held puts its node and takes it out again. When etcd does not
 * answer the take-out (found by a trial: etcd killed under contention), the denied node stays in the
 * key's queue on the backend's shared lease, which the backend's other locks keep alive; once the
 * holder releases, that node is the head and holds the key for nobody. The backend must end it.
 */
class EtcdDeniedNodeLeftIT {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @RegisterExtension
    static final EtcdServer etcd = new EtcdServer();

    @Test
    void aDeniedNodeWhoseTakeOutFailedDoesNotHoldTheKeyAfterTheHoldersRelease() {
        FailTheSecondTxn fault = new FailTheSecondTxn();
        EtcdLockBackend holder = etcd.backend();
        EtcdLockBackend denied = etcd.backend(builder -> builder.interceptor(fault));
        EtcdLockBackend next = etcd.backend();
        String key = "left:" + UUID.randomUUID();
        // Another lock of the denied client's, on the same lease length: it keeps the shared lease alive.
        assertThat(denied.tryAcquire(new AcquireRequest("other:" + UUID.randomUUID(), "kept", LEASE, false)))
                .isInstanceOf(AcquireResult.Granted.class);
        assertThat(holder.tryAcquire(new AcquireRequest(key, "h", LEASE, false))).isInstanceOf(AcquireResult.Granted.class);

        fault.arm();
        assertThatThrownBy(() -> denied.tryAcquire(new AcquireRequest(key, "d", LEASE, false)))
                .isInstanceOf(LockBackendException.class);
        assertThat(fault.failed()).as("the take-out was the request that failed").isEqualTo(1);
        assertThat(holder.release(key, "h")).isTrue();

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> next.tryAcquire(new AcquireRequest(key, "n", LEASE, false)) instanceof AcquireResult.Granted);
    }

    /** Once armed, lets the next KV Txn through (the attempt's put) and fails the one after it (the take-out) unsent. */
    private static final class FailTheSecondTxn implements ClientInterceptor {

        private final AtomicInteger txnsSinceArmed = new AtomicInteger(-1);
        private final AtomicInteger failed = new AtomicInteger();

        void arm() {
            txnsSinceArmed.set(0);
        }

        int failed() {
            return failed.get();
        }

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            if (!method.getFullMethodName().equals("etcdserverpb.KV/Txn") || txnsSinceArmed.get() < 0
                    || txnsSinceArmed.incrementAndGet() != 2) {
                return next.newCall(method, options);
            }
            failed.incrementAndGet();
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    listener.onClose(Status.UNAVAILABLE.withDescription("the test cut this request"), new Metadata());
                }

                @Override
                public void sendMessage(Q message) {
                }

                @Override
                public void halfClose() {
                }

                @Override
                public void request(int numMessages) {
                }
            };
        }
    }
}
