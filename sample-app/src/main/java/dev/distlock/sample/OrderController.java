package dev.distlock.sample;

import java.math.BigDecimal;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders/{id}/pay} pays an order. The locks an instance holds are on the Actuator
 * endpoint {@code distlocks}, which stays off the web unless exposed (see application.yml).
 */
@RestController
public class OrderController {

    private final OrderService orders;

    public OrderController(OrderService orders) {
        this.orders = orders;
    }

    @PostMapping("/orders/{id}/pay")
    public Payment pay(@PathVariable String id) {
        return orders.pay(new Order(id, BigDecimal.TEN));
    }
}
