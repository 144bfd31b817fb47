package dev.distlock.zookeeper;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.distlock.spi.LeaseLossSignals.LeaseLossListener;

/** Remembers what a backend told the engine, in order. */
final class RecordingLeaseLossListener implements LeaseLossListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void leaseLost(String key, String owner, String reason) {
        events.add("lost " + key);
    }

    @Override
    public void allLeasesLost(String reason) {
        events.add("all lost");
    }

    @Override
    public void leasesAtRisk(String reason) {
        events.add("at risk");
    }
}
