package dev.distlock.fencing.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An entity with a fence attribute, as docs/fencing.md declares it. */
@Entity
public class Shipment {

    @Id
    private String orderId;

    private String status;

    /** The token of the last fenced write; 0 for rows that never had one. */
    @Column(name = "fence_token", nullable = false)
    private long fenceToken;

    protected Shipment() {
    }

    public Shipment(String orderId, String status) {
        this.orderId = orderId;
        this.status = status;
    }

    public String getOrderId() {
        return orderId;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public long getFenceToken() {
        return fenceToken;
    }

    public void setFenceToken(long fenceToken) {
        this.fenceToken = fenceToken;
    }
}
