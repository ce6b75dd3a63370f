package org.feathers4j.sync.internal;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-origin sequence bookkeeping: tells duplicates from new messages and counts gaps. Keeps a
 * window of the last {@value #WINDOW} sequence numbers per origin, so a message that arrives late
 * (after a later one) is accepted once, and its gap closed, rather than taken for a duplicate.
 * Remembers the {@value #MAX_ORIGINS} most recently seen origins. Not thread-safe: called from
 * the adapter's single delivery thread (and guarded by the engine).
 */
final class OriginTracker {

    static final int WINDOW = 4096;
    static final int MAX_ORIGINS = 1024;

    /** What a sequence number is. */
    enum Verdict { NEW, DUPLICATE, LATE }

    private static final class Origin {
        long highest;
        final BitSet seen = new BitSet(WINDOW); // bit (seq % WINDOW) for seq in (highest - WINDOW, highest]
    }

    private final Map<String, Origin> origins = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Origin> eldest) {
            return size() > MAX_ORIGINS;
        }
    };
    private long gaps;

    /** Sequence numbers skipped so far and not (yet) arrived late. */
    long gaps() {
        return gaps;
    }

    Verdict check(String originId, long seq) {
        Origin o = origins.get(originId);
        if (o == null) {
            o = new Origin();
            o.highest = seq;
            o.seen.set(index(seq));
            origins.put(originId, o);
            return Verdict.NEW;
        }
        if (seq > o.highest) {
            long skipped = seq - o.highest - 1;
            gaps += skipped;
            // clear the bits of the numbers that slide into the window
            long clearFrom = Math.max(o.highest + 1, seq - WINDOW + 1);
            for (long s = clearFrom; s <= seq; s++) o.seen.clear(index(s));
            o.highest = seq;
            o.seen.set(index(seq));
            return Verdict.NEW;
        }
        if (seq <= o.highest - WINDOW) return Verdict.DUPLICATE; // too old to tell: treat as a replay
        int i = index(seq);
        if (o.seen.get(i)) return Verdict.DUPLICATE;
        o.seen.set(i);
        if (gaps > 0) gaps--;
        return Verdict.LATE;
    }

    private static int index(long seq) {
        return (int) Math.floorMod(seq, (long) WINDOW);
    }
}
