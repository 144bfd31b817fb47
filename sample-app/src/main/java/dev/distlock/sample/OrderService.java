package dev.distlock.sample;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockContext;

/**
 * Pays each order once, however many instances receive the same request at the same time. The
 * check-then-charge below is only safe because the lock serializes it per order id across
 * instances; the payments table stands in for a payment provider that records the fencing token
 * of each charge.
 */
@Service
public class OrderService {

    private final JdbcClient jdbc;

    public OrderService(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @DistributedLock(key = "#order.id", lease = "10s", waitFor = "5s")
    public Payment pay(Order order) {
        long token = LockContext.currentLease().map(Lease::fencingToken).orElseThrow();
        boolean charged = jdbc.sql("SELECT COUNT(*) FROM payments WHERE order_id = ?")
                .param(order.id()).query(Integer.class).single() > 0;
        if (charged) {
            return new Payment(order.id(), token, false);
        }
        jdbc.sql("INSERT INTO payments (order_id, amount, fencing_token) VALUES (?, ?, ?)")
                .params(order.id(), order.amount(), token).update();
        return new Payment(order.id(), token, true);
    }

    public int chargedOrders() {
        return jdbc.sql("SELECT COUNT(*) FROM payments").query(Integer.class).single();
    }
}
