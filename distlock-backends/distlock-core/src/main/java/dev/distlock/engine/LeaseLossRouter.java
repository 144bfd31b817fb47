package dev.distlock.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.distlock.spi.LeaseLossSignals;

/** Turns a backend's lease-loss news into the engine's handling of the affected locks. */
final class LeaseLossRouter implements LeaseLossSignals.LeaseLossListener {

    private static final Logger log = LoggerFactory.getLogger(LeaseLossRouter.class);

    private final LockEngine engine;

    LeaseLossRouter(LockEngine engine) {
        this.engine = engine;
    }

    @Override
    public void leaseLost(String key, String owner, String reason) {
        engine.lost(key, owner, reason);
    }

    @Override
    public void allLeasesLost(String reason) {
        engine.allLost(reason);
    }

    @Override
    public void leasesAtRisk(String reason) {
        log.warn("Held locks are at risk: {}", reason);
        engine.events().atRisk(reason);
    }
}
