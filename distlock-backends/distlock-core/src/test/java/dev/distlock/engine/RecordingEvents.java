package dev.distlock.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the engine's events as short strings, in order. */
class RecordingEvents implements LockEventListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void acquired(String name, String key, long fencingToken, Duration waited) {
        events.add("acquired " + key);
    }

    @Override
    public void notAcquired(String name, String key, Duration waited) {
        events.add("not-acquired " + key);
    }

    @Override
    public void released(String name, String key, Duration held) {
        events.add("released " + key);
    }

    @Override
    public void renewed(String name, String key, boolean extended) {
        events.add("renewed " + key + " " + extended);
    }

    @Override
    public void lost(String name, String key, String reason) {
        events.add("lost " + key + ": " + reason);
    }

    long count(String prefix) {
        return events.stream().filter(event -> event.startsWith(prefix)).count();
    }
}
