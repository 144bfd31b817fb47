package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.ByteSequence;

import org.junit.jupiter.api.Test;

/** A waiter's read and the watch's report of the deletion after it race: whichever comes second must find the other. */
class QueueDeletionsTest {

    private static final ByteSequence HOLDER = EtcdKeyLayout.bytes("/distlock/k/holder");
    private static final ByteSequence OTHER = EtcdKeyLayout.bytes("/distlock/k/other");

    private final QueueDeletions deletions = new QueueDeletions();

    @Test
    void aFollowAfterTheReportOfItsNodesDeletionFindsIt() {
        deletions.deleted(OTHER, null, 11);
        deletions.deleted(HOLDER, null, 12);
        AtomicBoolean followed = new AtomicBoolean();

        assertThat(deletions.followDeletedSince(HOLDER, 10, () -> followed.set(true))).isTrue();
        assertThat(followed).isTrue();
    }

    @Test
    void aDeletionAtOrBeforeTheFollowsRevisionIsNotNews() {
        deletions.deleted(HOLDER, null, 10);
        deletions.deleted(OTHER, null, 11);

        assertThat(deletions.followDeletedSince(HOLDER, 10, () -> { })).isFalse();
        assertThat(deletions.followDeletedSince(HOLDER, 12, () -> { })).isFalse();
    }

    @Test
    void whatTheReportsNoLongerKeepCountsAsDeleted() {
        for (int revision = 1; revision <= QueueDeletions.RECENT + 1; revision++) {
            deletions.deleted(OTHER, null, revision);
        }

        assertThat(deletions.followDeletedSince(HOLDER, 0, () -> { })).as("older than every deletion kept").isTrue();
        assertThat(deletions.followDeletedSince(HOLDER, 1, () -> { })).as("covered by the deletions kept").isFalse();
    }

    @Test
    void aFollowFromBeforeAWatchRestartCannotTell() {
        deletions.watchRestarted(20);

        assertThat(deletions.followDeletedSince(HOLDER, 18, () -> { })).isTrue();
        assertThat(deletions.followDeletedSince(HOLDER, 19, () -> { })).isFalse();
    }
}
