package org.feathers4j.benchmarks.instance;

import java.util.BitSet;

/**
 * What one instance received in the current phase: count, duplicates, out-of-order arrivals,
 * first and last arrival times and, for the latency phase, one latency per event.
 *
 * <p>An event is out of order when its number is lower than the highest number that arrived
 * before it. Events of another phase (late warm-up stragglers) are counted as foreign and ignored.
 */
public final class Recorder {

    private String phase = "";
    private int expected;
    private BitSet seen = new BitSet();
    private long[] latency = new long[0];
    private long[] arrival = new long[0];
    private int received;
    private int duplicates;
    private int outOfOrder;
    private int maxN = -1;
    private long firstNs;
    private long lastNs;
    private long foreign;

    /** Starts a new phase expecting events numbered {@code 0 .. expected-1}. */
    public synchronized void reset(String phase, int expected) {
        this.phase = phase;
        this.expected = expected;
        this.seen = new BitSet(expected);
        this.latency = new long[expected];
        this.arrival = new long[expected];
        this.received = 0;
        this.duplicates = 0;
        this.outOfOrder = 0;
        this.maxN = -1;
        this.firstNs = 0;
        this.lastNs = 0;
    }

    /**
     * Records one arrival.
     *
     * @param phase  the phase the event was sent in
     * @param n      its number within the phase
     * @param sentNs {@code System.nanoTime()} on the sender just before it was created
     * @param nowNs  {@code System.nanoTime()} here, on arrival
     */
    public synchronized void record(String phase, int n, long sentNs, long nowNs) {
        if (!this.phase.equals(phase) || n < 0 || n >= expected) {
            foreign++;
            return;
        }
        if (seen.get(n)) {
            duplicates++;
            return;
        }
        seen.set(n);
        if (received == 0) firstNs = nowNs;
        received++;
        lastNs = nowNs;
        if (n < maxN) outOfOrder++;
        else maxN = n;
        latency[n] = nowNs - sentNs;
        arrival[n] = nowNs;
    }

    /** {@code STATS received duplicates outOfOrder firstNs lastNs foreign}. */
    public synchronized String stats() {
        return "STATS " + received + " " + duplicates + " " + outOfOrder + " " + firstNs + " " + lastNs + " " + foreign;
    }

    /** {@code LAT} followed by the latencies in nanoseconds of the events received, comma-separated. */
    public synchronized String latencies() {
        StringBuilder sb = new StringBuilder(received * 8 + 4).append("LAT ");
        boolean first = true;
        for (int n = seen.nextSetBit(0); n >= 0; n = seen.nextSetBit(n + 1)) {
            if (!first) sb.append(',');
            sb.append(latency[n]);
            first = false;
        }
        dump();
        return sb.toString();
    }

    /**
     * With {@code -Dfeathers4j.bench.latdump=DIR}: writes {@code n sentNs arrivalNs} of each event of the
     * phase to {@code DIR/<pid>-<phase>.tsv}, so that slow events can be lined up with pauses in GC and
     * safepoint logs (decorator {@code tn}: the same clock as {@code System.nanoTime()}).
     */
    private void dump() {
        String dir = System.getProperty("feathers4j.bench.latdump");
        if (dir == null) return;
        StringBuilder sb = new StringBuilder();
        for (int n = seen.nextSetBit(0); n >= 0; n = seen.nextSetBit(n + 1)) {
            sb.append(n).append('\t').append(arrival[n] - latency[n]).append('\t').append(arrival[n]).append('\n');
        }
        writeDump(dir, phase, sb);
    }

    /** Writes {@code DIR/<pid>-<name>.tsv} of a latdump; a failure is reported on stderr, never thrown. */
    static void writeDump(String dir, String name, CharSequence tsv) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, ProcessHandle.current().pid() + "-" + name + ".tsv"), tsv);
        } catch (java.io.IOException e) {
            System.err.println("latdump: " + e);
        }
    }
}
