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
    void theWindowSlidesAcrossItsRingBoundaryAndAfterABigJumpOnASignedBus() {
        OriginTracker t = new OriginTracker(true);
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

    @Test
    void anUnsignedJumpFarAheadIsDeliveredButDoesNotAgeTheGenuineNumbers() {
        for (long forged : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 10 + OriginTracker.WINDOW + 1}) {
            OriginTracker t = new OriginTracker();
            for (long s = 1; s <= 10; s++) assertThat(t.check("a", s)).isEqualTo(Verdict.NEW);
            assertThat(t.check("a", forged)).as("forged %d", forged).isEqualTo(Verdict.JUMP);
            assertThat(t.check("a", forged)).as("the forgery again").isEqualTo(Verdict.DUPLICATE);
            for (long s = 11; s <= 100; s++) assertThat(t.check("a", s)).as("genuine %d after %d", s, forged).isEqualTo(Verdict.NEW);
            assertThat(t.check("a", 50)).as("genuine duplicates are still dropped").isEqualTo(Verdict.DUPLICATE);
            assertThat(t.gaps()).as("a jump is no gap").isZero();
        }
    }

    @Test
    void manyForgedNumbersNeverMakeGenuineOnesDuplicates() {
        OriginTracker t = new OriginTracker();
        assertThat(t.check("a", 1)).isEqualTo(Verdict.NEW);
        // the origin is quiet while a forger sends a whole run of high numbers: the run takes over the window...
        for (long s = Long.MAX_VALUE - 100; s < Long.MAX_VALUE; s++) assertThat(t.check("a", s)).isIn(Verdict.JUMP, Verdict.NEW);
        // ...and the genuine numbers, far below it, are still delivered, and take the window back
        for (long s = 2; s <= 100; s++) assertThat(t.check("a", s)).as("genuine %d", s).isIn(Verdict.NEW, Verdict.JUMP);
        assertThat(t.check("a", 101)).isEqualTo(Verdict.NEW);
        assertThat(t.check("a", 60)).isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void aGenuineJumpOnAnUnsignedBusTakesOverTheWindowOnceItIsConfirmed() {
        OriginTracker t = new OriginTracker();
        assertThat(t.check("a", 1)).isEqualTo(Verdict.NEW);
        long start = 1 + 3L * OriginTracker.WINDOW; // this receiver missed three windows of messages
        for (long s = start; s < start + OriginTracker.PROMOTE; s++) assertThat(t.check("a", s)).isEqualTo(Verdict.JUMP);
        assertThat(t.check("a", start + OriginTracker.PROMOTE)).as("now the main window").isEqualTo(Verdict.NEW);
        assertThat(t.check("a", start)).isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void aSignedBusTakesOldNumbersForReplays() {
        OriginTracker t = new OriginTracker(true);
        assertThat(t.check("a", 1)).isEqualTo(Verdict.NEW);
        assertThat(t.check("a", 1 + 2L * OriginTracker.WINDOW)).isEqualTo(Verdict.NEW);
        assertThat(t.check("a", 2)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.check("a~other-epoch", 2)).as("another boot numbers afresh").isEqualTo(Verdict.NEW);
    }
}
