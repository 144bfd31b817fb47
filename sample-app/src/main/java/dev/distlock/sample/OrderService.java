package dev.distlock.sample;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.fencing.jdbc.FencedJdbc;

/**
 * Pays each order once, however many instances receive the same request at the same time. The
 * lock serializes the check-then-charge per order id across instances; the charge itself is a
 * fenced write, so that an instance that was paused past its lease (a GC pause, a partition) and
 * wakes up after another one has gone on cannot charge over it: its write carries the older token
 * and is refused with StaleLockTokenException. The charges table stands in for a payment provider.
 */
@Service
public class OrderService {

    private final JdbcClient jdbc;
    private final FencedJdbc fenced;

    public OrderService(JdbcClient jdbc, FencedJdbc fenced) {
        this.jdbc = jdbc;
        this.fenced = fenced;
    }

    @DistributedLock(key = "#order.id", lease = "10s", waitFor = "5s", fenced = true)
    public Payment pay(Order order) {
        long token = LockContext.currentLease().map(Lease::fencingToken).orElseThrow();
        boolean known = jdbc.sql("SELECT COUNT(*) FROM charges WHERE order_id = ?")
                .param(order.id()).query(Integer.class).single() > 0;
        if (!known) {
            jdbc.sql("INSERT INTO charges (order_id, amount, status) VALUES (?, ?, 'PENDING')")
                    .params(order.id(), order.amount()).update();
        }
        // UPDATE charges SET status = 'CHARGED', fence_token = <token> WHERE (...) AND fence_token <= <token>
        int charged = fenced.update("charges")
                .set("status = 'CHARGED'")
                .where("order_id = ? AND status = 'PENDING'", order.id())
                .execute();
        return new Payment(order.id(), token, charged == 1);
    }

    public int chargedOrders() {
        return jdbc.sql("SELECT COUNT(*) FROM charges WHERE status = 'CHARGED'").query(Integer.class).single();
    }
}
