package dev.distlock.testsupport.safety;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads a run's history into {@link SafetyFigures}. All times are the database's, so events of
 * different processes compare directly.
 *
 * <p>A critical section is taken as the span from the ACQUIRED row (written after the grant) to the
 * accepted WRITE row (written before the release): inside the true holding time, so any overlap
 * found is a real one.
 */
final class HistoryCheck {

    private final List<HistoryRow> rows;

    HistoryCheck(List<HistoryRow> rows) {
        this.rows = rows;
    }

    /** The section of one acquisition whose write was accepted. */
    record Section(String key, String acquisition, long token, long startMicros, long endMicros) {
    }

    SafetyFigures figures(String backend, String scenario, Duration ran, int clients, Duration lease, long counterSum) {
        long acquisitions = count("ACQUIRED");
        long acceptedWrites = rows.stream().filter(row -> row.is("WRITE") && row.acceptedAccess()).count();
        long rejected = rows.stream().filter(row -> (row.is("READ") || row.is("WRITE")) && Boolean.FALSE.equals(row.accepted())).count();
        java.util.Set<String> struck = rows.stream()
                .filter(row -> row.is("FAULT") && ("PAUSE".equals(row.detail()) || "CUT".equals(row.detail())))
                .map(HistoryRow::acquisition).collect(Collectors.toSet());
        List<HistoryRow> lateWrites = rows.stream().filter(row -> row.is("WRITE") && struck.contains(row.acquisition())).toList();
        long lateRejected = lateWrites.stream().filter(row -> !row.acceptedAccess()).count();
        return new SafetyFigures(backend, scenario, ran, clients, lease, acquisitions, acceptedWrites, rejected,
                overlaps(), acceptedWrites - counterSum, staleAccepted(), tokenRegressions(), count("LOST"),
                lateRejected, lateWrites.size(), recovery(), availability(), attemptsWhileDown());
    }

    List<Section> sections() {
        Map<String, HistoryRow> acquired = rows.stream().filter(row -> row.is("ACQUIRED"))
                .collect(Collectors.toMap(HistoryRow::acquisition, row -> row, (a, b) -> a));
        List<Section> sections = new ArrayList<>();
        for (HistoryRow write : rows) {
            if (write.is("WRITE") && write.acceptedAccess()) {
                HistoryRow start = acquired.get(write.acquisition());
                sections.add(new Section(write.key(), write.acquisition(), write.token(), start.micros(), write.micros()));
            }
        }
        return sections;
    }

    /** Accepted sections that began before an earlier-begun section of the same key had ended. */
    long overlaps() {
        long overlaps = 0;
        Map<String, List<Section>> byKey = sections().stream().collect(Collectors.groupingBy(Section::key));
        for (List<Section> sections : byKey.values()) {
            sections.sort(Comparator.comparingLong(Section::startMicros));
            long latestEnd = Long.MIN_VALUE;
            for (Section section : sections) {
                if (section.startMicros() <= latestEnd) {
                    overlaps++;
                }
                latestEnd = Math.max(latestEnd, section.endMicros());
            }
        }
        return overlaps;
    }

    /**
     * Accepted writes whose token is not above that of some other grant of the key made before the
     * write: the writer's lease had been superseded (or its token duplicated) when the write landed.
     */
    long staleAccepted() {
        Map<String, GrantsSoFar> grants = new HashMap<>();
        long stale = 0;
        for (HistoryRow row : rows) { // in time order: the grants so far are those made before this row
            if (row.is("ACQUIRED")) {
                grants.computeIfAbsent(row.key(), key -> new GrantsSoFar()).add(row.acquisition(), row.token());
            } else if (row.is("WRITE") && row.acceptedAccess()) {
                GrantsSoFar earlier = grants.get(row.key());
                if (earlier != null && earlier.highestOtherThan(row.acquisition()) >= row.token()) {
                    stale++;
                }
            }
        }
        return stale;
    }

    /** The two highest tokens granted so far for one key, with the acquisition of the highest. */
    private static final class GrantsSoFar {
        private long highest = Long.MIN_VALUE;
        private String highestAcquisition;
        private long second = Long.MIN_VALUE;

        void add(String acquisition, long token) {
            if (token > highest) {
                second = highest;
                highest = token;
                highestAcquisition = acquisition;
            } else if (token > second) {
                second = token;
            }
        }

        long highestOtherThan(String acquisition) {
            return acquisition.equals(highestAcquisition) ? second : highest;
        }
    }

    /** Grants whose token is not above every earlier grant's token for the same key. */
    long tokenRegressions() {
        long regressions = 0;
        Map<String, Long> highest = new HashMap<>();
        for (HistoryRow row : rows) {
            if (row.is("ACQUIRED")) {
                Long before = highest.get(row.key());
                if (before != null && row.token() <= before) {
                    regressions++;
                }
                highest.merge(row.key(), row.token(), Math::max);
            }
        }
        return regressions;
    }

    /** The longest time from a KILL or PAUSE of a holder to the next grant of its key to someone else. */
    Duration recovery() {
        Duration longest = null;
        for (HistoryRow fault : rows) {
            if (!fault.is("FAULT") || !("KILL".equals(fault.detail()) || "PAUSE".equals(fault.detail()))) {
                continue;
            }
            Long next = rows.stream()
                    .filter(row -> row.is("ACQUIRED") && Objects.equals(row.key(), fault.key())
                            && row.micros() > fault.micros() && !Objects.equals(row.acquisition(), fault.acquisition()))
                    .map(HistoryRow::micros).findFirst().orElse(null);
            if (next == null) {
                continue; // the run ended first; the harness asserts each recovery itself
            }
            Duration gap = Duration.ofNanos((next - fault.micros()) * 1000);
            if (longest == null || gap.compareTo(longest) > 0) {
                longest = gap;
            }
        }
        return longest;
    }

    /** Share of attempts ending between a NODE_DOWN and the following NODE_UP that were granted. */
    Double availability() {
        long attempts = attemptsWhileDown();
        if (attempts == 0) {
            return downWindows().isEmpty() ? null : 0.0;
        }
        long granted = rowsWhileDown().stream().filter(row -> row.is("ACQUIRED")).count();
        return (double) granted / attempts;
    }

    long attemptsWhileDown() {
        return rowsWhileDown().stream().filter(row -> row.is("ACQUIRED") || row.is("DENIED") || row.is("FAILED")).count();
    }

    private List<HistoryRow> rowsWhileDown() {
        List<long[]> windows = downWindows();
        return rows.stream().filter(row -> windows.stream().anyMatch(w -> row.micros() >= w[0] && row.micros() <= w[1])).toList();
    }

    private List<long[]> downWindows() {
        List<long[]> windows = new ArrayList<>();
        Long down = null;
        for (HistoryRow row : rows) {
            if (row.is("FAULT") && "NODE_DOWN".equals(row.detail())) {
                down = row.micros();
            } else if (row.is("FAULT") && "NODE_UP".equals(row.detail()) && down != null) {
                windows.add(new long[] {down, row.micros()});
                down = null;
            }
        }
        return windows;
    }

    private long count(String kind) {
        return rows.stream().filter(row -> row.is(kind)).count();
    }
}
