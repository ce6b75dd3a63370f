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

    /**
     * 65,536 numbers (8 KiB per origin): wider than what an adapter may send again after a reconnect
     * (AMQP re-sends what was unconfirmed, up to a few thousand messages at the rates measured here),
     * so such a re-send is recognised as late or duplicate, never dropped as too old to tell.
     */
    static final int WINDOW = 1 << 16;
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
            clear(o.seen, clearFrom, seq);
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

    /** Clears the bits of {@code from..to} (at most WINDOW numbers), which may wrap around the ring. */
    private static void clear(BitSet bits, long from, long to) {
        int a = index(from);
        int b = index(to);
        if (a <= b) {
            bits.clear(a, b + 1);
        } else {
            bits.clear(a, WINDOW);
            bits.clear(0, b + 1);
        }
    }

    private static int index(long seq) {
        return (int) Math.floorMod(seq, (long) WINDOW);
    }
}
