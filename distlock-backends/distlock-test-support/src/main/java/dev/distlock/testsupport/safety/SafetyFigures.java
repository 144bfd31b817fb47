package dev.distlock.testsupport.safety;

import java.time.Duration;
import java.util.Locale;

/**
 * What one run of one scenario showed, from its history.
 *
 * @param acquisitions        grants the clients received
 * @param acceptedWrites      read-modify-writes the fenced resource took
 * @param rejectedStale       fenced reads and writes it turned away (a higher token had been seen)
 * @param overlaps            accepted critical sections of one key that overlap another one's (from
 *                            the grant to the accepted write, on the database clock)
 * @param lostUpdates         accepted writes minus the counters they left: increments lost to an
 *                            interleaved read-modify-write
 * @param staleAccepted       accepted writes whose token was not above that of another grant of the
 *                            key made before the write
 * @param tokenRegressions    grants whose token was not above every earlier grant's of the key
 * @param leasesLost          leases the engine reported lost
 * @param lateWritesRejected  of the holders paused or cut mid-work, how many had their late write rejected
 * @param lateWrites          how many such late writes there were
 * @param recovery            longest time from a holder's crash or freeze until its key was granted again, else null
 * @param availability        share of attempts granted within waitFor while a node was down, else null
 * @param attemptsWhileDown   attempts that ended while a node was down
 */
public record SafetyFigures(String backend, String scenario, Duration ran, int clients, Duration lease,
                            long acquisitions, long acceptedWrites, long rejectedStale, long overlaps,
                            long lostUpdates, long staleAccepted, long tokenRegressions, long leasesLost,
                            long lateWritesRejected, long lateWrites, Duration recovery, Double availability,
                            long attemptsWhileDown) {

    static final String HEADER = "| backend | scenario | ran | clients | lease | acquisitions | accepted writes "
            + "| rejected stale | overlaps | lost updates | stale accepted | token regressions | leases lost "
            + "| late writes rejected | recovery after crash | availability while node down |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    String row() {
        return "| " + backend + " | " + scenario + " | " + seconds(ran) + " | " + clients + " | " + seconds(lease)
                + " | " + acquisitions + " | " + acceptedWrites + " | " + rejectedStale + " | " + overlaps
                + " | " + lostUpdates + " | " + staleAccepted + " | " + tokenRegressions + " | " + leasesLost
                + " | " + (lateWrites == 0 ? "-" : lateWritesRejected + " of " + lateWrites)
                + " | " + (recovery == null ? "-" : seconds(recovery))
                + " | " + (availability == null ? "-" : String.format(Locale.ROOT, "%.0f%% of %d",
                        availability * 100, attemptsWhileDown)) + " |";
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
    }
}
