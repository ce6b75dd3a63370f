package org.feathers4j.sync.redis.internal;

/** Stream entry ids ({@code <ms>-<seq>}): comparison, and the id before every entry. */
final class StreamId {

    /** The id before every entry: reading after it reads the whole stream. */
    static final String ZERO = "0-0";

    private StreamId() {
    }

    /** Compares two entry ids numerically ({@code 10-0} after {@code 9-5}). */
    static int compare(String a, String b) {
        long[] x = parse(a);
        long[] y = parse(b);
        int c = Long.compareUnsigned(x[0], y[0]);
        return c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
    }

    static boolean isZero(String id) {
        return compare(id, ZERO) == 0;
    }

    private static long[] parse(String id) {
        int dash = id.indexOf('-');
        try {
            if (dash < 0) return new long[] {Long.parseUnsignedLong(id), 0};
            return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream entry id: '" + id + "'");
        }
    }
}
