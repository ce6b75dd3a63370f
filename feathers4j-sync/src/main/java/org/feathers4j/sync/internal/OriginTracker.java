package org.feathers4j.sync.internal;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-origin sequence bookkeeping: tells duplicates from new messages and counts gaps. Keeps a
 * window of the last {@value #WINDOW} sequence numbers per origin, so a message that arrives late
 * (after a later one) is accepted once, and its gap closed, rather than taken for a duplicate.
 * Remembers the {@value #MAX_ORIGINS} most recently seen origins. An origin on the wire is
 * {@code <instanceId>~<epoch>}, so each boot of an instance has its own numbers and old boots are
 * forgotten with the least recently seen origins. Not thread-safe: called from the adapter's
 * single delivery thread (and guarded by the engine).
 *
 * <p>A number more than a window away from the highest seen (a <em>jump</em>) is handled by trust:
 * <ul>
 *   <li><b>trusted</b> (signed bus: nobody but the sender can write its origin): a jump ahead moves
 *       the window, a number older than the window is a replay (duplicate);</li>
 *   <li><b>untrusted</b> (unsigned bus: anyone on the broker can forge any origin and seq): a jump
 *       in either direction is delivered and counted but does not move the window, so a forged
 *       {@code seq} of {@code Long.MAX_VALUE} cannot make the genuine later numbers look old. The
 *       jumped-to numbers get a second window of their own (their duplicates are still dropped);
 *       it replaces the first only when {@value #PROMOTE} numbers have arrived in it and none in
 *       the first meanwhile, which is what a genuine jump looks like (a receiver that missed more
 *       than a window of messages), so dedupe recovers after it.</li>
 * </ul>
 */
final class OriginTracker {

    /**
     * 65,536 numbers (8 KiB per origin): wider than what an adapter may send again after a reconnect
     * (AMQP re-sends what was unconfirmed, up to a few thousand messages at the rates measured here),
     * so such a re-send is recognised as late or duplicate, never dropped as too old to tell.
     */
    static final int WINDOW = 1 << 16;
    static final int MAX_ORIGINS = 1024;

    /** Numbers arriving in the second window, with none in the first, before it takes over. */
    static final int PROMOTE = 16;

    /** What a sequence number is. */
    enum Verdict {
        NEW, DUPLICATE, LATE,
        /** More than a window away from the highest seen, untrusted: delivered, the window kept. */
        JUMP
    }

    private static final class Window {
        long highest;
        int count; // numbers accepted; only used for the second window
        final BitSet seen = new BitSet(); // bit (seq % WINDOW) for seq in (highest - WINDOW, highest]

        Window(long seq) {
            highest = seq;
            seen.set(index(seq));
            count = 1;
        }
    }

    private static final class Origin {
        Window main;
        Window other; // untrusted only: the window of numbers that jumped away from main
        boolean mainSinceOther; // main accepted a number since other was opened
    }

    private final Map<String, Origin> origins = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Origin> eldest) {
            return size() > MAX_ORIGINS;
        }
    };
    private final boolean trusted;
    private long gaps;
    // the numbers the last check() found skipped, or 0..0 (read right after check, same thread)
    private long skippedFirst;
    private long skippedLast;

    /** A tracker for an unsigned bus. */
    OriginTracker() {
        this(false);
    }

    /** A tracker; {@code trusted} when only genuine senders can write an origin (signed bus). */
    OriginTracker(boolean trusted) {
        this.trusted = trusted;
    }

    /** Sequence numbers skipped so far and not (yet) arrived late. */
    long gaps() {
        return gaps;
    }

    /** The first number the last {@link #check} found skipped (a new gap), or 0 when none. */
    long skippedFirst() {
        return skippedFirst;
    }

    /** The last number the last {@link #check} found skipped, or 0 when none. */
    long skippedLast() {
        return skippedLast;
    }

    Verdict check(String originId, long seq) {
        skippedFirst = 0;
        skippedLast = 0;
        Origin o = origins.get(originId);
        if (o == null) {
            o = new Origin();
            o.main = new Window(seq);
            origins.put(originId, o);
            return Verdict.NEW;
        }
        if (trusted || within(o.main, seq)) {
            Verdict v = step(o.main, seq, true);
            if (v != Verdict.DUPLICATE) o.mainSinceOther = true;
            return v;
        }
        // untrusted jump: never moves main, so one forged number cannot age the genuine ones
        if (o.other != null && within(o.other, seq)) {
            Verdict v = step(o.other, seq, false);
            if (v == Verdict.DUPLICATE) return v;
            o.other.count++;
            if (o.other.count >= PROMOTE && !o.mainSinceOther) {
                o.main = o.other; // what a genuine jump looks like: dedupe follows it
                o.other = null;
            }
            return Verdict.JUMP;
        }
        o.other = new Window(seq);
        o.mainSinceOther = false;
        return Verdict.JUMP;
    }

    /** Whether {@code seq} is within a window of {@code w}'s highest, either way, without overflow. */
    private static boolean within(Window w, long seq) {
        if (seq >= w.highest) {
            long d = seq - w.highest;
            return d >= 0 && d <= WINDOW; // d < 0: the subtraction overflowed, so it is far
        }
        long d = w.highest - seq;
        return d > 0 && d < WINDOW;
    }

    private Verdict step(Window w, long seq, boolean countGaps) {
        if (seq > w.highest) {
            long skipped = seq - w.highest - 1;
            if (countGaps && skipped > 0) {
                gaps = saturatedAdd(gaps, skipped);
                skippedFirst = w.highest + 1;
                skippedLast = seq - 1;
            }
            // clear the bits of the numbers that slide into the window
            long clearFrom = skipped >= WINDOW || skipped < 0 ? seq - WINDOW + 1 : w.highest + 1;
            clear(w.seen, clearFrom, seq);
            w.highest = seq;
            w.seen.set(index(seq));
            return Verdict.NEW;
        }
        if (w.highest - seq >= WINDOW || w.highest - seq < 0) return Verdict.DUPLICATE; // too old to tell: a replay
        int i = index(seq);
        if (w.seen.get(i)) return Verdict.DUPLICATE;
        w.seen.set(i);
        if (countGaps && gaps > 0) gaps--;
        return Verdict.LATE;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
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
