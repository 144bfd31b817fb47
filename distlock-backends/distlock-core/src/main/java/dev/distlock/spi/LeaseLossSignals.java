package dev.distlock.spi;

/**
 * A backend that learns of a lost lease by itself (etcd keep-alive ended, ZooKeeper session lost)
 * and tells the engine at once rather than at the next renewal.
 */
public interface LeaseLossSignals {

    /** Registers the engine's listener; called once, before the first acquisition. */
    void setLeaseLossListener(LeaseLossListener listener);

    /** Receives lease-loss news from a backend. */
    interface LeaseLossListener {

        /** {@code owner}'s lease on {@code key} is gone. */
        void leaseLost(String key, String owner, String reason);

        /** Every lease granted through this backend instance is gone (session or client lease ended). */
        void allLeasesLost(String reason);

        /** Leases may be gone: the connection is suspended and the store cannot confirm them. */
        void leasesAtRisk(String reason);
    }
}
