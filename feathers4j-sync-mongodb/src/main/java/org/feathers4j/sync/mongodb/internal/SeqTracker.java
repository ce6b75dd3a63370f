package org.feathers4j.sync.mongodb.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The resume and deduplication bookkeeping of the tailable and polling readers, kept apart from
 * any server so that it can be tested on its own.
 *
 * <p>Every event document has a dense sequence number ({@code _id}, allocated from a counter
 * document) and the epoch of that counter (a random id set when the counter is created, so a
 * counter that was dropped and created again is told apart). Writers allocate and insert
 * concurrently, so a reader may see seq 7 before seq 6. The tracker keeps:
 * <ul>
 *   <li>{@code floor}: every seq up to it was delivered or given up; a reader that must start
 *       again (a dead cursor, a network error) asks for {@code _id > floor}, and drops what it
 *       already delivered above the floor, so nothing is skipped and nothing delivered twice;</li>
 *   <li>{@code high}: the highest seq seen; a poller asks for {@code _id > high} for new
 *       documents and for the {@linkplain #missing missing} seqs below it;</li>
 *   <li>the seqs seen above the floor, and the missing ones with the time each was first missed.
 *       A seq missing for longer than the gap timeout (its writer allocated it and then failed, or
 *       the document was trimmed away) is given up, which lets the floor move on; should it
 *       arrive later all the same it is still delivered once ({@link Verdict#LATE}).</li>
 * </ul>
 * Not thread-safe: one reader thread owns it.
 */
final class SeqTracker {

    /** What to do with a document. */
    enum Verdict {
        /** Not seen before: deliver it. */
        NEW,
        /** A seq that had been given up, arriving after all: deliver it (counted as late). */
        LATE,
        /** Already delivered: drop it. */
        DUPLICATE,
        /** From a counter epoch that was replaced: drop it. */
        STALE
    }

    /** Gaps wider than this are given up at once rather than tracked one by one. */
    static final int MAX_TRACKED_GAP = 10_000;
    private static final int MAX_GIVEN_UP = 10_000;
    private static final int MAX_RETIRED_EPOCHS = 64;

    private final long gapTimeoutNanos;
    private final LongSupplier nanoClock;
    private String epoch;
    private long floor;
    private long high;
    private final TreeSet<Long> seenAbove = new TreeSet<>();
    private final TreeMap<Long, Long> missingSince = new TreeMap<>();
    private final LinkedHashSet<Long> givenUp = new LinkedHashSet<>();
    private final LinkedHashSet<String> retired = new LinkedHashSet<>();
    private long gapsGivenUp;
    private long epochChanges;

    /**
     * @param gapTimeoutMillis how long a missing seq is waited for before it is given up
     * @param nanoClock        the clock ({@link System#nanoTime} outside tests)
     */
    SeqTracker(long gapTimeoutMillis, LongSupplier nanoClock) {
        this.gapTimeoutNanos = gapTimeoutMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /** Starts (again) from this point: every seq above {@code floor} of {@code epoch} is new. */
    void reset(String epoch, long floor) {
        if (this.epoch != null && !this.epoch.equals(epoch)) retire(this.epoch);
        this.epoch = epoch;
        this.floor = floor;
        this.high = floor;
        seenAbove.clear();
        missingSince.clear();
        givenUp.clear();
    }

    private void retire(String e) {
        retired.add(e);
        if (retired.size() > MAX_RETIRED_EPOCHS) {
            Iterator<String> it = retired.iterator();
            it.next();
            it.remove();
        }
    }

    /**
     * Judges one document and records it.
     *
     * @param docEpoch the document's counter epoch ({@code null} for a document without one)
     * @param seq      the document's seq
     */
    Verdict accept(String docEpoch, long seq) {
        if (docEpoch != null && !docEpoch.equals(epoch)) {
            if (retired.contains(docEpoch)) return Verdict.STALE;
            if (epoch != null) epochChanges++;
            reset(docEpoch, epoch == null ? floor : 0); // a new counter: all of its seqs are new
        }
        if (seq <= floor) {
            return givenUp.remove(seq) ? Verdict.LATE : Verdict.DUPLICATE;
        }
        if (seq <= high) {
            if (missingSince.remove(seq) == null) return Verdict.DUPLICATE;
            seenAbove.add(seq);
            advance();
            return Verdict.NEW;
        }
        long now = nanoClock.getAsLong();
        if (seq - high - 1 > MAX_TRACKED_GAP) {
            // too wide to wait for one by one (a counter repaired upwards, or a long trimmed range)
            gapsGivenUp += seq - high - 1;
            floor = seq - 1;
            seenAbove.clear();
            missingSince.clear();
        } else {
            for (long s = high + 1; s < seq; s++) missingSince.put(s, now);
        }
        high = seq;
        seenAbove.add(seq);
        advance();
        return Verdict.NEW;
    }

    /** Moves the floor over every seq that is no longer awaited. */
    private void advance() {
        while (floor < high && !missingSince.containsKey(floor + 1)) {
            floor++;
            seenAbove.remove(floor);
        }
    }

    /**
     * Gives up the seqs missing for longer than the gap timeout.
     *
     * @return how many were given up now
     */
    int expireGaps() {
        if (missingSince.isEmpty()) return 0;
        long now = nanoClock.getAsLong();
        int n = 0;
        Iterator<Map.Entry<Long, Long>> it = missingSince.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Long> e = it.next();
            if (now - e.getValue() < gapTimeoutNanos) continue;
            it.remove();
            givenUp.add(e.getKey());
            n++;
        }
        while (givenUp.size() > MAX_GIVEN_UP) {
            Iterator<Long> g = givenUp.iterator();
            g.next();
            g.remove();
        }
        gapsGivenUp += n;
        if (n > 0) advance();
        return n;
    }

    /**
     * The documents below {@code seq} are gone for good (a capped collection rolled over them, or
     * they were trimmed): stops waiting for them and moves the floor to {@code seq - 1}.
     *
     * @return how many seqs up to {@code seq - 1} were never seen (now lost)
     */
    long trimmedBelow(long seq) {
        long top = seq - 1;
        if (top <= floor) return 0;
        long seen = seenAbove.subSet(floor + 1, true, top, true).size();
        long lost = top - floor - seen;
        seenAbove.headSet(seq).clear();
        missingSince.headMap(seq).clear();
        floor = top;
        if (high < floor) high = floor;
        advance();
        return lost;
    }

    /** Up to {@code limit} seqs below {@link #high()} still awaited, lowest first. */
    List<Long> missing(int limit) {
        List<Long> out = new ArrayList<>(Math.min(limit, missingSince.size()));
        for (Long s : missingSince.keySet()) {
            if (out.size() >= limit) break;
            out.add(s);
        }
        return out;
    }

    /** The current counter epoch, or {@code null} before any is known. */
    String epoch() {
        return epoch;
    }

    /** Every seq up to this one was delivered or given up. */
    long floor() {
        return floor;
    }

    /** The highest seq seen. */
    long high() {
        return high;
    }

    /** Whether this epoch was replaced by another. */
    boolean isRetired(String e) {
        return retired.contains(e);
    }

    /** Seqs given up so far (never arrived within the gap timeout). */
    long gapsGivenUp() {
        return gapsGivenUp;
    }

    /** How many times documents of a new counter epoch appeared. */
    long epochChanges() {
        return epochChanges;
    }

    /** The seqs seen above the floor (for tests and diagnostics). */
    Set<Long> seenAboveFloor() {
        return java.util.Collections.unmodifiableSet(seenAbove);
    }
}
