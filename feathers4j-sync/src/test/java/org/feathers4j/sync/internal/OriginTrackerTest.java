package org.feathers4j.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.feathers4j.sync.internal.OriginTracker.Verdict;
import org.junit.jupiter.api.Test;

class OriginTrackerTest {

    @Test
    void newDuplicateAndLateAreToldApartAndGapsCounted() {
        OriginTracker t = new OriginTracker();
        assertThat(t.check("a", 1)).isEqualTo(Verdict.NEW);
        assertThat(t.check("a", 2)).isEqualTo(Verdict.NEW);
        assertThat(t.check("a", 2)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.check("a", 5)).isEqualTo(Verdict.NEW);
        assertThat(t.gaps()).isEqualTo(2);
        assertThat(t.check("a", 3)).isEqualTo(Verdict.LATE);
        assertThat(t.check("a", 3)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.gaps()).isEqualTo(1);
        assertThat(t.check("b", 3)).as("another origin has its own numbers").isEqualTo(Verdict.NEW);
    }

    @Test
    void aReSendOfThousandsOfMessagesAfterAReconnectIsAcceptedNotTakenForOldDuplicates() {
        OriginTracker t = new OriginTracker();
        // 5,000 messages in flight when the connection dropped: the later ones arrive first, the
        // lost ones are sent again afterwards (what the AMQP adapter does with unconfirmed messages)
        for (long s = 1; s < 3000; s++) assertThat(t.check("a", s)).isEqualTo(Verdict.NEW);
        for (long s = 8000; s <= 10_000; s++) assertThat(t.check("a", s)).isEqualTo(Verdict.NEW);
        assertThat(t.gaps()).isEqualTo(5000);
        for (long s = 3000; s < 8000; s++) assertThat(t.check("a", s)).as("seq %d", s).isEqualTo(Verdict.LATE);
        assertThat(t.gaps()).isZero();
        for (long s = 1; s <= 10_000; s++) assertThat(t.check("a", s)).isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void theWindowSlidesAcrossItsRingBoundaryAndAfterABigJump() {
        OriginTracker t = new OriginTracker();
        long start = OriginTracker.WINDOW - 10;
        for (long s = start; s < start + 20; s++) assertThat(t.check("a", s)).isEqualTo(Verdict.NEW);
        // numbers that map to the same ring slots one window later are new, not duplicates
        for (long s = start + OriginTracker.WINDOW; s < start + OriginTracker.WINDOW + 20; s++) {
            assertThat(t.check("a", s)).as("seq %d", s).isEqualTo(Verdict.NEW);
        }
        long far = start + 5L * OriginTracker.WINDOW;
        assertThat(t.check("a", far)).isEqualTo(Verdict.NEW);
        assertThat(t.check("a", far - 1)).isEqualTo(Verdict.LATE);
        assertThat(t.check("a", start)).as("older than the window: a replay").isEqualTo(Verdict.DUPLICATE);
    }
}
