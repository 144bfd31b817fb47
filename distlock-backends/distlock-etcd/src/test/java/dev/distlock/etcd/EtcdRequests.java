package dev.distlock.etcd;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;

/**
 * Counts the requests a backend's jetcd client sends, by gRPC method ({@code etcdserverpb.KV/Txn},
 * {@code etcdserverpb.Lease/LeaseKeepAlive}, ...): each request message on a unary call or a stream
 * is one, so that a test can say how many round trips an operation costs without timing anything.
 */
final class EtcdRequests implements ClientInterceptor {

    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        AtomicLong count = sent.computeIfAbsent(method.getFullMethodName(), ignored -> new AtomicLong());
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void sendMessage(Q message) {
                count.incrementAndGet();
                super.sendMessage(message);
            }
        };
    }

    /** Requests sent so far, by method, in name order. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        sent.forEach((method, count) -> {
            if (count.get() > 0) {
                copy.put(method, count.get());
            }
        });
        return copy;
    }

    /** Requests sent since {@code before}, by method; methods with none are left out. */
    Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        snapshot().forEach((method, count) -> {
            long more = count - before.getOrDefault(method, 0L);
            if (more > 0) {
                delta.put(method, more);
            }
        });
        return delta;
    }
}
