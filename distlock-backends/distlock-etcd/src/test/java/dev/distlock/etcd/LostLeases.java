package dev.distlock.etcd;

import java.util.List;

import dev.distlock.spi.LeaseLossSignals;

/** A lease-loss listener that writes down each lost lease as {@code "<key> <owner>"}, and nothing else. */
record LostLeases(List<String> lost) implements LeaseLossSignals.LeaseLossListener {

    @Override
    public void leaseLost(String key, String owner, String reason) {
        lost.add(key + " " + owner);
    }

    @Override
    public void allLeasesLost(String reason) {
    }

    @Override
    public void leasesAtRisk(String reason) {
    }
}
