package org.feathers4j.sync.mongodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.mongodb.internal.SeqTracker.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The resume and deduplication bookkeeping of the tailable and polling readers, without a server:
 * a reader that starts again asks for {@code _id > floor} in the collection's order and must
 * deliver every seq exactly once.
 */
class SeqTrackerTest {

    private final AtomicLong clock = new AtomicLong();
    private final SeqTracker t = new SeqTracker(1_000, clock::get);

    @Test
    void inOrderSeqsAreNewOnceThenDuplicates() {
        t.reset("e1", 0);
        for (long s = 1; s <= 5; s++) assertThat(t.accept("e1", s)).isEqualTo(Verdict.NEW);
        assertThat(t.floor()).isEqualTo(5);
        assertThat(t.accept("e1", 3)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.accept("e1", 5)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.seenAboveFloor()).isEmpty();
    }

    @Test
    void trimmedBelowCountsOnlyWhatWasNeverSeenAndMovesTheFloor() {
        t.reset("e1", 10);
        assertThat(t.accept("e1", 11)).isEqualTo(Verdict.NEW);
        assertThat(t.accept("e1", 14)).isEqualTo(Verdict.NEW); // 12, 13 awaited
        assertThat(t.trimmedBelow(11)).isZero();                // nothing below the floor's next
        assertThat(t.trimmedBelow(20)).isEqualTo(7);            // 12, 13, 15..19 never seen; 14 was
        assertThat(t.floor()).isEqualTo(19);
        assertThat(t.missing(10)).isEmpty();
        assertThat(t.accept("e1", 20)).isEqualTo(Verdict.NEW);
        assertThat(t.accept("e1", 14)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.floor()).isEqualTo(20);
    }

    @Test
    void startsAtNow() {
        t.reset("e1", 10); // the counter stood at 10 when the reader started
        assertThat(t.accept("e1", 9)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.accept("e1", 11)).isEqualTo(Verdict.NEW);
    }

    @Test
    void aLateWriterIsWaitedForAndTheFloorStaysBelowIt() {
        t.reset("e1", 10);
        assertThat(t.accept("e1", 12)).isEqualTo(Verdict.NEW);
        assertThat(t.accept("e1", 13)).isEqualTo(Verdict.NEW);
        assertThat(t.floor()).isEqualTo(10);
        assertThat(t.high()).isEqualTo(13);
        assertThat(t.missing(10)).containsExactly(11L);

        // the reader starts again from the floor: it sees 12 and 13 again, then 11 arrives
        assertThat(t.accept("e1", 12)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.accept("e1", 13)).isEqualTo(Verdict.DUPLICATE);
        assertThat(t.accept("e1", 11)).isEqualTo(Verdict.NEW);
        assertThat(t.floor()).isEqualTo(13);
        assertThat(t.missing(10)).isEmpty();
    }

    @Test
    void aSeqMissingPastTheGapTimeoutIsGivenUpAndStillDeliveredOnceIfItComes() {
        t.reset("e1", 0);
        t.accept("e1", 2);
        clock.addAndGet(999_000_000L);
        assertThat(t.expireGaps()).isZero();
        assertThat(t.floor()).isZero();
        clock.addAndGet(2_000_000L);
        assertThat(t.expireGaps()).isEqualTo(1);
        assertThat(t.floor()).isEqualTo(2);
        assertThat(t.gapsGivenUp()).isEqualTo(1);
        assertThat(t.accept("e1", 1)).isEqualTo(Verdict.LATE);
        assertThat(t.accept("e1", 1)).isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void aNewCounterEpochStartsOverAndTheOldOneIsStale() {
        t.reset("old", 500);
        assertThat(t.accept("new", 1)).isEqualTo(Verdict.NEW);
        assertThat(t.epoch()).isEqualTo("new");
        assertThat(t.epochChanges()).isEqualTo(1);
        assertThat(t.accept("old", 501)).isEqualTo(Verdict.STALE);
        assertThat(t.accept("new", 2)).isEqualTo(Verdict.NEW);
    }

    @Test
    void theFirstEpochSeenIsAdoptedWithoutLosingTheStartPoint() {
        t.reset(null, 0); // no counter yet when the reader started
        assertThat(t.accept("e1", 1)).isEqualTo(Verdict.NEW);
        assertThat(t.epochChanges()).isZero();
        assertThat(t.floor()).isEqualTo(1);
    }

    @Test
    void aVeryWideGapIsGivenUpAtOnce() {
        t.reset("e1", 0);
        long far = SeqTracker.MAX_TRACKED_GAP + 100L;
        assertThat(t.accept("e1", far)).isEqualTo(Verdict.NEW);
        assertThat(t.floor()).isEqualTo(far);
        assertThat(t.gapsGivenUp()).isEqualTo(far - 1);
        assertThat(t.missing(10)).isEmpty();
    }

    /**
     * Writers insert seqs 1..n in a shuffled order (concurrent writers), the reader sees them in
     * that order (a capped collection's natural order) and is restarted at random moments; each
     * restart replays, in natural order, every arrived document above the floor. Every seq must be
     * delivered exactly once, and none given up.
     */
    @Test
    void randomRestartsNeverSkipNorRepeat() {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            SeqTracker tr = new SeqTracker(60_000, clock::get);
            tr.reset("e", 0);
            int n = 1 + rnd.nextInt(200);
            List<Long> arrival = new ArrayList<>();
            for (long s = 1; s <= n; s++) arrival.add(s);
            // shuffle locally: a writer is at most a few seqs late
            for (int i = 0; i < n; i++) Collections.swap(arrival, i, Math.min(n - 1, i + rnd.nextInt(4)));
            int[] delivered = new int[n + 1];
            List<Long> arrived = new ArrayList<>();
            for (Long s : arrival) {
                arrived.add(s);
                if (rnd.nextInt(10) == 0) {
                    // the cursor died: start again from the floor, in natural order
                    for (Long again : arrived) {
                        if (again <= tr.floor()) continue;
                        Verdict v = tr.accept("e", again);
                        if (v == Verdict.NEW || v == Verdict.LATE) delivered[again.intValue()]++;
                    }
                } else {
                    Verdict v = tr.accept("e", s);
                    if (v == Verdict.NEW || v == Verdict.LATE) delivered[s.intValue()]++;
                }
            }
            for (int s = 1; s <= n; s++) assertThat(delivered[s]).as("round %d seq %d", round, s).isEqualTo(1);
            assertThat(tr.floor()).isEqualTo(n);
            assertThat(tr.gapsGivenUp()).isZero();
        }
    }
}
