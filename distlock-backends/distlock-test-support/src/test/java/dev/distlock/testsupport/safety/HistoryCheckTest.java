package dev.distlock.testsupport.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The checker finds what it is there to find: interleaved holders, stale tokens, lost increments. */
class HistoryCheckTest {

    private final List<HistoryRow> rows = new ArrayList<>();
    private long micros;

    @Test
    void sequentialHoldersWithGrowingTokensAreClean() {
        section("p0-1", 1);
        section("p1-1", 2);
        section("p0-2", 3);

        HistoryCheck check = new HistoryCheck(rows);
        assertThat(check.overlaps()).isZero();
        assertThat(check.staleAccepted()).isZero();
        assertThat(check.tokenRegressions()).isZero();
    }

    @Test
    void twoHoldersWithTheSameTokenOverlapAndOneWriteIsStale() {
        // Redlock after a restart without persistence: a second holder gets a token already issued.
        row("ACQUIRED", "p0-1", 5, null);
        row("ACQUIRED", "p1-1", 5, null);
        row("READ", "p0-1", 5, true);
        row("READ", "p1-1", 5, true);
        row("WRITE", "p0-1", 5, true);
        row("WRITE", "p1-1", 5, true);

        HistoryCheck check = new HistoryCheck(rows);
        assertThat(check.overlaps()).isEqualTo(1);
        assertThat(check.staleAccepted()).isEqualTo(2);
        assertThat(check.tokenRegressions()).isEqualTo(1);
        assertThat(check.figures("b", "s", java.time.Duration.ZERO, 3, java.time.Duration.ofSeconds(1), 1).lostUpdates())
                .as("two increments from the same read leave one").isEqualTo(1);
    }

    @Test
    void aWriteAcceptedAfterASuccessorWasGrantedIsStaleEvenWithAHigherTokenThanBefore() {
        row("ACQUIRED", "p0-1", 7, null);
        row("READ", "p0-1", 7, true);
        row("ACQUIRED", "p1-1", 8, null); // p0's lease lapsed; p1 has not touched the resource yet
        row("WRITE", "p0-1", 7, true);

        assertThat(new HistoryCheck(rows).staleAccepted()).isEqualTo(1);
        assertThat(new HistoryCheck(rows).overlaps()).isZero(); // p1 wrote nothing
    }

    @Test
    void recoveryIsTheGapFromTheKillToTheNextGrantOfTheKey() {
        row("ACQUIRED", "p0-1", 1, null);
        HistoryRow kill = new HistoryRow(rows.size(), "p0", "k0", "p0-1", 1L, "FAULT", null, "KILL", micros += 10);
        rows.add(kill);
        micros += 1_500_000;
        row("ACQUIRED", "p1-1", 2, null);

        assertThat(new HistoryCheck(rows).recovery()).isEqualTo(java.time.Duration.ofMillis(1500).plusNanos(10_000));
    }

    private void section(String acquisition, long token) {
        row("ACQUIRED", acquisition, token, null);
        row("READ", acquisition, token, true);
        row("WRITE", acquisition, token, true);
    }

    private void row(String kind, String acquisition, long token, Boolean accepted) {
        rows.add(new HistoryRow(rows.size(), acquisition.substring(0, 2), "k0", acquisition, token, kind, accepted, null,
                micros += 10));
    }
}
