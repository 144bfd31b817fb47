package dev.distlock.jdbc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.time.zone.ZoneRulesProvider;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A time zone of this JVM with one daylight-saving change at a moment the test picks, for an
 * in-process database (H2 resolves session time zones through {@link java.time.ZoneId}). Registered
 * under a fresh id each time, since a {@link ZoneRulesProvider} cannot be unregistered.
 */
final class DaylightSavingZone {

    private final String id = "Distlock/DaylightSaving-" + UUID.randomUUID();
    private final ZoneRules rules;

    private DaylightSavingZone(Instant change, ZoneOffset before, ZoneOffset after) {
        ZoneOffsetTransition transition = ZoneOffsetTransition.of(
                LocalDateTime.ofEpochSecond(change.getEpochSecond(), 0, before), before, after);
        this.rules = ZoneRules.of(before, before, List.of(), List.of(transition), List.of());
    }

    /** Summer time (+02:00) ends at {@code change}: the wall clock goes back to +01:00 and repeats an hour. */
    static DaylightSavingZone clocksGoBackAt(Instant change) {
        DaylightSavingZone zone = new DaylightSavingZone(change, ZoneOffset.ofHours(2), ZoneOffset.ofHours(1));
        ZoneRulesProvider.registerProvider(zone.new Provider());
        return zone;
    }

    String id() {
        return id;
    }

    private final class Provider extends ZoneRulesProvider {
        @Override
        protected Set<String> provideZoneIds() {
            return Set.of(id);
        }

        @Override
        protected ZoneRules provideRules(String zoneId, boolean forCaching) {
            return rules;
        }

        @Override
        protected NavigableMap<String, ZoneRules> provideVersions(String zoneId) {
            return new TreeMap<>(Map.of("1", rules));
        }
    }
}
