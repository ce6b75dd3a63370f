package org.feathers4j.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.feathers4j.Application;

/**
 * When each numbered message of one sender arrived at one receiver (a feathers4j app or a Node peer), to
 * measure how long after a cut a receiver gets messages again and how many it lost around the cut.
 */
public final class Arrivals {

    private final String name;
    private final List<long[]> seen = new ArrayList<>(); // {n, nanoTime}; guarded by this

    public Arrivals(String name) {
        this.name = name;
    }

    /** Records the {@code created} events of {@code app} whose data has {@code from}. */
    public static Arrivals of(Application app, String name, String from) {
        Arrivals a = new Arrivals(name);
        app.service("messages").on("created", (data, ctx) -> {
            if (data instanceof Map<?, ?> m && from.equals(m.get("from")) && m.get("n") instanceof Number n) a.add(n.longValue());
        });
        return a;
    }

    public String name() {
        return name;
    }

    public synchronized void add(long n) {
        seen.add(new long[] {n, System.nanoTime()});
    }

    /**
     * Milliseconds from {@code atNanos} to the first arrival after it of a number above {@code above}, or -1 if
     * none arrived.
     */
    public synchronized long againAfter(long atNanos, long above) {
        for (long[] s : seen) {
            if (s[1] >= atNanos && s[0] > above) return (s[1] - atNanos) / 1_000_000;
        }
        return -1;
    }

    /** Milliseconds from {@code atNanos} to the first arrival of any number after it, or -1. */
    public synchronized long firstAfter(long atNanos) {
        for (long[] s : seen) if (s[1] >= atNanos) return (s[1] - atNanos) / 1_000_000;
        return -1;
    }

    /** Numbers in {@code (from, to]} that never arrived. */
    public synchronized long lostIn(long from, long to) {
        java.util.BitSet got = new java.util.BitSet();
        for (long[] s : seen) if (s[0] > from && s[0] <= to) got.set((int) (s[0] - from));
        long lost = 0;
        for (long n = from + 1; n <= to; n++) if (!got.get((int) (n - from))) lost++;
        return lost;
    }

    /** Whether {@code n} arrived. */
    public synchronized boolean has(long n) {
        for (long[] s : seen) if (s[0] == n) return true;
        return false;
    }
}
