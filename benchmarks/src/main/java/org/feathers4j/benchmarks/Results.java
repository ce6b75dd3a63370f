package org.feathers4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Figures of the runs: one {@link Rep} per repetition, medians per configuration. */
final class Results {

    private Results() {
    }

    /**
     * One repetition of one configuration.
     *
     * @param evPerSec     throughput: events/s delivered to each other instance (min over B and C)
     * @param evPerSecSelf events/s of A's own events coming back to A
     * @param lost         events of the burst a receiver never got (max over B and C)
     * @param duplicates   duplicate deliveries (max over B and C)
     * @param outOfOrder   out-of-order arrivals (max over B and C)
     * @param latencyMs    p50, p90, p99, p99.9, max in ms over B's and C's latency samples
     * @param latencyLost  latency-run events a receiver never got (max over B and C)
     * @param rssReadyA    A's RSS once ready (MiB)
     * @param rssPeakA     A's peak RSS (VmHWM, MiB)
     * @param rssReadyRecv the larger of B's and C's RSS once ready
     * @param rssPeakRecv  the larger of B's and C's peak RSS
     * @param cpuA         A's CPU time per 1,000 events of the burst (ms)
     * @param cpuRecv      B's and C's mean CPU time per 1,000 events received in the burst (ms)
     * @param utilPercent  CPU use during the burst in % of one core: A, the busier of B and C, the
     *                     broker's processes (NaN when not found), and all of them together
     *                     (A + B + C + broker; the machine has 200 %)
     * @param readySec     start-up: seconds from starting the first of the three instance processes (started together)
     *                     to the last one's {@code READY} (connected and subscribed)
     */
    record Rep(double evPerSec, double evPerSecSelf, int lost, int duplicates, int outOfOrder, double[] latencyMs,
               int latencyLost, double rssReadyA, double rssPeakA, double rssReadyRecv, double rssPeakRecv,
               double cpuA, double cpuRecv, double[] utilPercent, double readySec) {
    }

    /** All repetitions of one configuration, or why it was not run. */
    static final class ConfigResult {
        final BenchConfig config;
        final List<Rep> reps = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        String skipped;

        ConfigResult(BenchConfig config) {
            this.config = config;
        }

        boolean hasFigures() {
            return !reps.isEmpty();
        }

        double median(ToDoubleFunction<Rep> f) {
            return Stats.median(reps.stream().mapToDouble(f).toArray());
        }

        double latency(int i) {
            return median(r -> r.latencyMs()[i]);
        }

        /** The smallest and the largest value over the repetitions. */
        double[] range(ToDoubleFunction<Rep> f) {
            double[] v = reps.stream().mapToDouble(f).toArray();
            return new double[] {Arrays.stream(v).min().orElse(Double.NaN), Arrays.stream(v).max().orElse(Double.NaN)};
        }
    }

    /** Percentiles and medians. */
    static final class Stats {
        private Stats() {
        }

        static double median(double[] v) {
            if (v.length == 0) return Double.NaN;
            double[] s = v.clone();
            Arrays.sort(s);
            int m = s.length / 2;
            return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
        }

        /** Nearest-rank percentile ({@code q} in 0..1) of sorted values. */
        static double percentile(long[] sorted, double q) {
            if (sorted.length == 0) return Double.NaN;
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }
}
