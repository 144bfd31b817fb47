package dev.distlock.sample;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.distlock.engine.HeldLockInfo;
import dev.distlock.engine.LockEngine;

/** {@code POST /orders/{id}/pay} pays an order; {@code GET /locks} shows what this instance holds. */
@RestController
public class OrderController {

    private final OrderService orders;
    private final LockEngine locks;

    public OrderController(OrderService orders, LockEngine locks) {
        this.orders = orders;
        this.locks = locks;
    }

    @PostMapping("/orders/{id}/pay")
    public Payment pay(@PathVariable String id) {
        return orders.pay(new Order(id, BigDecimal.TEN));
    }

    @GetMapping("/locks")
    public List<HeldLockInfo> locks() {
        return locks.heldLocks();
    }
}
