package dev.distlock.sample;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.distlock.DistributedLock;
import dev.distlock.Lease;
import dev.distlock.LockContext;
import dev.distlock.OnLocked;

/**
 * A job every replica schedules but only one runs per slot: the others find the lock held and skip.
 * holdAtLeast keeps the lock past a fast run, so a replica whose clock is a little behind does not
 * run the same slot again.
 * <p>
 * Each run logs one start and one end line with the fencing token and the wall-clock time in epoch
 * milliseconds ({@code Report start run=3 token=17 at=1767225600123}); scripts/three-replicas.sh
 * reads them to show that no two runs on different instances overlapped.
 */
@Component
public class ReportJob {

    private static final Logger log = LoggerFactory.getLogger(ReportJob.class);

    private final AtomicInteger runs = new AtomicInteger();

    private final Duration work;

    /** @param work how long a run pretends to work (0 by default), so that overlapping runs would show */
    public ReportJob(@Value("${sample.report.work:0s}") Duration work) {
        this.work = work;
    }

    @Scheduled(fixedDelayString = "${sample.report.interval:PT1M}")
    @DistributedLock(name = "nightly-report", waitFor = "0s", onLocked = OnLocked.SKIP, holdAtLeast = "${sample.report.hold-at-least:30s}")
    public void report() {
        int run = runs.incrementAndGet();
        long token = LockContext.currentLease().map(Lease::fencingToken).orElseThrow();
        log.info("Report start run={} token={} at={}", run, token, System.currentTimeMillis());
        try {
            pretendToWork();
        } finally {
            // logged before the lock is released, so the next holder's start comes after this end
            log.info("Report end run={} token={} at={}", run, token, System.currentTimeMillis());
        }
    }

    private void pretendToWork() {
        if (work.isZero()) {
            return;
        }
        try {
            Thread.sleep(work.toMillis());
        } catch (InterruptedException e) {
            // shutting down: end the run now, the end line shows when
            Thread.currentThread().interrupt();
        }
    }

    public int runs() {
        return runs.get();
    }
}
