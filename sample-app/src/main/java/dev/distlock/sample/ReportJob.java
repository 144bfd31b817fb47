package dev.distlock.sample;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.distlock.DistributedLock;
import dev.distlock.OnLocked;

/**
 * A job every replica schedules but only one runs per slot: the others find the lock held and skip.
 * holdAtLeast keeps the lock past a fast run, so a replica whose clock is a little behind does not
 * run the same slot again.
 */
@Component
public class ReportJob {

    private static final Logger log = LoggerFactory.getLogger(ReportJob.class);

    private final AtomicInteger runs = new AtomicInteger();

    @Scheduled(fixedDelayString = "${sample.report.interval:PT1M}")
    @DistributedLock(name = "nightly-report", waitFor = "0s", onLocked = OnLocked.SKIP, holdAtLeast = "${sample.report.hold-at-least:30s}")
    public void report() {
        log.info("Report run {} on this instance", runs.incrementAndGet());
    }

    public int runs() {
        return runs.get();
    }
}
