package dev.distlock.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Service;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockContext;

/**
 * Pays each order once, however many replicas receive the same request at the same time. The
 * check-then-charge below is only safe because the lock serializes it per order id.
 */
@Service
public class OrderService {

    private final Map<String, Long> chargedWithToken = new ConcurrentHashMap<>();

    @DistributedLock(key = "#order.id", lease = "10s", waitFor = "5s")
    public Payment pay(Order order) {
        long token = LockContext.currentLease().map(Lease::fencingToken).orElseThrow();
        if (chargedWithToken.containsKey(order.id())) {
            return new Payment(order.id(), token, false);
        }
        // A real provider would receive the token and refuse a token lower than the last it saw.
        chargedWithToken.put(order.id(), token);
        return new Payment(order.id(), token, true);
    }

    public int chargedOrders() {
        return chargedWithToken.size();
    }
}
