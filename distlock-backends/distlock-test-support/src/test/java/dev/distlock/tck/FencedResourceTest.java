package dev.distlock.tck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.distlock.testsupport.FencedResource;

class FencedResourceTest {

    private final FencedResource resource = new FencedResource();

    @Test
    void writeWithALowerTokenThanAnAcceptedOneIsRejected() {
        assertThat(resource.write("k", 5)).isTrue();
        assertThat(resource.write("k", 7)).isTrue();

        assertThat(resource.write("k", 5)).as("the stale holder's late write").isFalse();
        assertThat(resource.rejectedStale()).isEqualTo(1);
        assertThat(resource.counter("k")).isEqualTo(2);
    }

    @Test
    void theSameHolderMayWriteAgainAndKeysAreIndependent() {
        assertThat(resource.write("k", 7)).isTrue();
        assertThat(resource.write("k", 7)).isTrue();
        assertThat(resource.write("other", 1)).isTrue();
        assertThat(resource.accepted()).isEqualTo(3);
    }
}
