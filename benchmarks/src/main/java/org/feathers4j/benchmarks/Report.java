package org.feathers4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown report of a run: environment, method, the table of medians, notes. */
final class Report {

    private final Bench.Options opts;
    private final List<Results.ConfigResult> results;
    private final Map<String, String> versions;
    private final String loadBefore;
    private final String loadAfter;
    private final Duration took;
    private final ZonedDateTime when = ZonedDateTime.now(ZoneOffset.UTC);
    private List<Fanout.Result> fanout = List.of();

    Report(Bench.Options opts, List<Results.ConfigResult> results, Map<String, String> versions, String loadBefore,
           String loadAfter, Duration took) {
        this.opts = opts;
        this.results = results;
        this.versions = versions;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.took = took;
    }

    void fanout(List<Fanout.Result> f) {
        this.fanout = f;
    }

    private void fanoutSection(StringBuilder sb) {
        if (fanout.isEmpty()) return;
        sb.append("\n## Fan-out\n\n");
        sb.append(fmt("Per side and N: 3 server instances synced through %s, N Socket.IO clients (websocket, one Node process) "
                + "spread over them, all in one channel; %d unmeasured events, a wait until the instances' CPU settles (below 3 %% "
                + "of a core over 3 s with no event, at most 90 s: the JVM's JIT goes on compiling after the warm-up)%s, then %d "
                + "measured events created one at a time on A; "
                + "time from just before `create` to the last client having the event. Side `feathers4j`: Java instances "
                + "(`%s`); `node-feathers`: Feathers 5 + `@feathersjs/socketio` + feathers-sync. The sides run one after "
                + "the other for each N and repetition (alternating which goes first); %d repetition(s).%n%n", opts.fanoutBroker,
                opts.fanoutWarmup, opts.fanoutSettleMinSec == 0 ? "" : " of at least " + opts.fanoutSettleMinSec + " s",
                opts.fanoutEvents, opts.jvmOpts, opts.fanoutReps));
        fanoutSummary(sb);
        sb.append("| side | clients | last client has it: p50 / p99 / max (ms) | p50 first 10 → last 10 (ms) | not at every client | "
                + "connect (s) / instances' CPU for it (s) | CPU ms per event: 3 instances / client process | "
                + "settle after warm-up (s) / 3 instances' CPU then, no event (% of a core) | "
                + "heap after GC A / B / C (MiB) | RSS with clients → peak, A / B / C (MiB) | client process peak RSS (MiB) |\n");
        sb.append("|---|---:|---|---|---:|---|---|---:|---|---|---:|\n");
        for (Fanout.Result f : fanout) {
            if (f.skipped() != null) {
                sb.append("| ").append(f.skipped()).append(" | | | | | | | | | | |\n");
                continue;
            }
            if (f.error() != null) {
                sb.append(fmt("| %s (rep %d) | %,d | failed: %s | | | | | | | | |%n", f.side(), f.rep(), f.clients(), f.error()));
                continue;
            }
            double[] l = f.latencyMs();
            double[] fl = f.firstLastP50Ms();
            sb.append(fmt("| %s (rep %d) | %,d | %s / %s / %s | %s → %s | %d | %.1f / %.1f | %.0f / %.0f | %.0f / %.1f%% | %.0f / %.0f / %.0f | "
                            + "%.0f→%.0f / %.0f→%.0f / %.0f→%.0f | %.0f |%n", f.side(), f.rep(), f.clients(),
                    ms(l[0]), ms(l[1]), ms(l[2]), ms(fl[0]), ms(fl[1]), f.incomplete(), f.connectSec(), f.instancesCpuMsConnect() / 1000,
                    f.instancesCpuMsPerEvent(), f.clientsCpuMsPerEvent(), f.settleSec(), f.instancesIdleCpuPct(), f.heapMiB()[0], f.heapMiB()[1], f.heapMiB()[2],
                    f.rssMiB()[0], f.peakMiB()[0], f.rssMiB()[1], f.peakMiB()[1], f.rssMiB()[2], f.peakMiB()[2],
                    f.clientsRssMiB()));
        }
    }

    /**
     * Per N, feathers4j against Node Feathers: each figure as the value of every repetition and
     * their ratio (feathers4j / Node; below 1 is better for every figure here).
     */
    private void fanoutSummary(StringBuilder sb) {
        java.util.TreeSet<Integer> ns = new java.util.TreeSet<>();
        for (Fanout.Result f : fanout) if (f.measured()) ns.add(f.clients());
        List<String[]> figures = List.of(new String[] {"last client p99 (ms)", "p99"}, new String[] {"last client p50 (ms)", "p50"},
                new String[] {"CPU per event, 3 instances (ms)", "cpu"},
                new String[] {"settle after the warm-up: until the instances' CPU < 3 % of a core (s)", "settle"},
                new String[] {"connect N clients (s)", "connect"},
                new String[] {"RSS of A with clients (MiB)", "rss"});
        boolean any = false;
        StringBuilder t = new StringBuilder();
        t.append("| clients | figure | feathers4j, each repetition | node-feathers, each repetition | feathers4j / Node (median of reps) |\n");
        t.append("|---:|---|---|---|---:|\n");
        for (int n : ns) {
            for (String[] fig : figures) {
                List<Double> j = fanoutFigure("feathers4j", n, fig[1]);
                List<Double> node = fanoutFigure("node-feathers", n, fig[1]);
                if (j.isEmpty() || node.isEmpty()) continue;
                any = true;
                t.append(fmt("| %,d | %s | %s | %s | ×%.2f |%n", n, fig[0], joined(j), joined(node), median(j) / median(node)));
            }
        }
        if (!any) return;
        sb.append("feathers4j against Node Feathers (ratios of medians; below ×1.00 feathers4j is ahead):\n\n").append(t).append('\n');
    }

    private List<Double> fanoutFigure(String side, int n, String figure) {
        List<Double> out = new ArrayList<>();
        for (Fanout.Result f : fanout) {
            if (!f.measured() || f.clients() != n || !side.equals(f.side())) continue;
            out.add(switch (figure) {
                case "p99" -> f.latencyMs()[1];
                case "p50" -> f.latencyMs()[0];
                case "cpu" -> f.instancesCpuMsPerEvent();
                case "connect" -> f.connectSec();
                case "settle" -> f.settleSec();
                default -> f.rssMiB()[0];
            });
        }
        return out;
    }

    private static String joined(List<Double> v) {
        List<String> s = new ArrayList<>();
        for (double d : v) s.add(d >= 100 ? fmt("%,.0f", d) : fmt("%.1f", d));
        return String.join(", ", s);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        java.util.Collections.sort(s);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    /** {@code /proc/loadavg}'s three load averages. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    String subtitle() {
        return String.format(Locale.ROOT, "%s UTC · %d cores · load %s → %s · burst %,d (≤%d in flight) · latency %,d at %d/s · median of %d",
                when.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAfter, opts.events, opts.inflight, opts.latencyEvents, opts.rate, opts.reps);
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# feathers4j benchmarks: latest run\n\n");
        sb.append(String.format(Locale.ROOT, "- When: %s UTC, %d min %d s%s%n", when.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                took.toMinutes(), took.toSecondsPart(), opts.quick ? " (`--quick`: indicative only)" : ""));
        sb.append(String.format(Locale.ROOT, "- Machine: %s, %d cores; load average (1/5/15 min) %s before, %s after%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
        sb.append(String.format(Locale.ROOT, "- Java %s (instances: `%s`), Node %s%n", System.getProperty("java.version"),
                opts.jvmOpts, nodeVersion()));
        if (!versions.isEmpty()) sb.append("- Brokers: ").append(String.join(", ", versions.values())).append("\n");
        sb.append(String.format(Locale.ROOT, "- Method: 3 instance processes per configuration (A creates and gets its own events back; B and C receive); "
                + "warm-up %,d events; burst %,d creates with at most %d in flight, throughput = events received ÷ (last receipt − burst start), "
                + "minimum of B and C; latency: %,d creates paced at %d/s, %s, from just before `create` on A to the event on B and C "
                + "(CLOCK_MONOTONIC on both sides); RSS from /proc VmRSS once ready and VmHWM at the end; CPU = utime+stime during the burst (also of the broker's server process, as %% of one core over the burst) "
                + "per 1,000 events; median of %d repetition(s), configurations interleaved.%n%n",
                opts.warmup, opts.events, opts.inflight, opts.latencyEvents, opts.rate,
                opts.pacedWarmup > 0 ? String.format(Locale.ROOT, "after %,d unmeasured ones at that rate (the JIT compiles the paced path)", opts.pacedWarmup)
                        : "right after the burst (`--paced-warmup 0`)", opts.reps));

        if (results.stream().anyMatch(Results.ConfigResult::hasFigures)) {
            sb.append("| config | ev/s to each other instance | vs feathers-sync | lost | dup | out of order "
                    + "| latency p50 / p90 / p99 / p99.9 / max (ms) | p99 of each repetition (ms) | p99 vs feathers-sync: median (each repetition) "
                    + "| RSS A ready → peak (MiB) | RSS B,C ready → peak (MiB) | CPU ms per 1k events A / B,C "
                    + "| CPU % of a core in the burst: A / B,C / broker / all (of 200) | 3 instances ready after (s): median (min–max) |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---|---|---|---|---|---|---|---|\n");
            for (Results.ConfigResult r : results) {
                if (!r.hasFigures()) continue;
                Results.ConfigResult base = find(r.config.baselineName());
                boolean hasBase = base != null && base.hasFigures() && base != r;
                sb.append("| ").append(r.config.name())
                        .append(" | ").append(kilo(r.median(Results.Rep::evPerSec)))
                        .append(" | ").append(hasBase ? ratio(r.median(Results.Rep::evPerSec) / base.median(Results.Rep::evPerSec)) : "")
                        .append(" | ").append(count(r.median(Results.Rep::lost)))
                        .append(" | ").append(count(r.median(Results.Rep::duplicates)))
                        .append(" | ").append(count(r.median(Results.Rep::outOfOrder)))
                        .append(" | ").append(ms(r.latency(0))).append(" / ").append(ms(r.latency(1))).append(" / ")
                        .append(ms(r.latency(2))).append(" / ").append(ms(r.latency(3))).append(" / ").append(ms(r.latency(4)))
                        .append(" | ").append(perRep(r, x -> x.latencyMs()[2]))
                        .append(" | ").append(hasBase ? ratio(r.latency(2) / base.latency(2)) + p99RatioPerRep(r, base) : "")
                        .append(" | ").append(mib(r.median(Results.Rep::rssReadyA))).append(" → ").append(mib(r.median(Results.Rep::rssPeakA)))
                        .append(" | ").append(mib(r.median(Results.Rep::rssReadyRecv))).append(" → ").append(mib(r.median(Results.Rep::rssPeakRecv)))
                        .append(" | ").append(fmt("%.0f", r.median(Results.Rep::cpuA))).append(" / ").append(fmt("%.0f", r.median(Results.Rep::cpuRecv)))
                        .append(" | ").append(pct(r.median(x -> x.utilPercent()[0]))).append(" / ")
                        .append(pct(r.median(x -> x.utilPercent()[1]))).append(" / ").append(pct(r.median(x -> x.utilPercent()[2])))
                        .append(" / ").append(pct(r.median(x -> x.utilPercent()[3])))
                        .append(" | ").append(fmt("%.2f", r.median(Results.Rep::readySec)))
                        .append(r.reps.size() > 1 ? fmt(" (%.2f–%.2f)", r.range(Results.Rep::readySec)[0], r.range(Results.Rep::readySec)[1]) : "")
                        .append(" |\n");
            }
            sb.append("\n\"vs feathers-sync\": ratio to feathers-sync on the same broker in this run (throughput: higher is better; p99: lower is better); "
                    + "the p99 ratio of each repetition pairs it with feathers-sync's of the same repetition (configurations are interleaved), "
                    + "so its spread is the noise a p99 claim must clear.\n");
        }
        boolean notes = false;
        for (Results.ConfigResult r : results) {
            if (r.skipped == null && r.errors.isEmpty()) continue;
            if (!notes) {
                sb.append("\nNot measured / failed:\n\n");
                notes = true;
            }
            if (r.skipped != null) sb.append("- ").append(r.config.name()).append(": not run, ").append(r.skipped).append("\n");
            for (String e : r.errors) sb.append("- ").append(r.config.name()).append(": ").append(e).append("\n");
        }
        for (Results.ConfigResult r : results) {
            if (!r.hasFigures()) continue;
            int latLost = (int) r.median(Results.Rep::latencyLost);
            if (latLost > 0) sb.append("- ").append(r.config.name()).append(": ").append(latLost)
                    .append(" event(s) of the latency run not received (median)\n");
        }
        for (Results.ConfigResult r : results) {
            if (r.hasFigures() && r.config.maxEvents() < opts.events) {
                sb.append(fmt("- %s: burst of %,d (warm-up %,d), not %,d: it opens one connection per event, all at once, "
                        + "and a 20,000-event burst exceeds this machine's 20,000 file descriptors per process (it crashes with EMFILE)%n",
                        r.config.name(), r.config.maxEvents(), Math.min(opts.warmup, r.config.maxEvents() / 5), opts.events));
            }
        }
        fanoutSection(sb);
        return sb.toString();
    }

    /** Every repetition's figures, one line each, tab-separated, for a closer look. */
    String repsTsv() {
        StringBuilder sb = new StringBuilder("config\trep\tev_per_s\tev_per_s_self\tlost\tdup\tout_of_order\tp50_ms\tp90_ms\tp99_ms\t"
                + "p999_ms\tmax_ms\tlatency_lost\trss_ready_a_mib\trss_peak_a_mib\trss_ready_bc_mib\trss_peak_bc_mib\tcpu_a_ms_per_1k\tcpu_bc_ms_per_1k"
                + "\tcpu_pct_a\tcpu_pct_bc\tcpu_pct_broker\tcpu_pct_all\tready_s\n");
        for (Results.ConfigResult r : results) {
            int i = 1;
            for (Results.Rep x : r.reps) {
                double[] l = x.latencyMs();
                sb.append(fmt("%s\t%d\t%.0f\t%.0f\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%.0f\t%.2f%n",
                        r.config.name(), i++, x.evPerSec(), x.evPerSecSelf(), x.lost(), x.duplicates(), x.outOfOrder(),
                        l[0], l[1], l[2], l[3], l[4], x.latencyLost(), x.rssReadyA(), x.rssPeakA(), x.rssReadyRecv(),
                        x.rssPeakRecv(), x.cpuA(), x.cpuRecv(), x.utilPercent()[0], x.utilPercent()[1], x.utilPercent()[2], x.utilPercent()[3], x.readySec()));
            }
        }
        return sb.toString();
    }

    /** One figure of every repetition, in run order. */
    private static String perRep(Results.ConfigResult r, java.util.function.ToDoubleFunction<Results.Rep> f) {
        StringBuilder sb = new StringBuilder();
        for (Results.Rep x : r.reps) sb.append(sb.length() == 0 ? "" : ", ").append(ms(f.applyAsDouble(x)));
        return sb.toString();
    }

    /** The p99 ratio to the baseline's of the same repetition, for every repetition both have: " (×a, ×b)". */
    private static String p99RatioPerRep(Results.ConfigResult r, Results.ConfigResult base) {
        int n = Math.min(r.reps.size(), base.reps.size());
        if (n < 2) return "";
        StringBuilder sb = new StringBuilder(" (");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(ratio(r.reps.get(i).latencyMs()[2] / base.reps.get(i).latencyMs()[2]));
        }
        return sb.append(')').toString();
    }

    private Results.ConfigResult find(String name) {
        for (Results.ConfigResult r : results) if (r.config.name().equals(name)) return r;
        return null;
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "not found";
        }
    }

    static String kilo(double v) {
        if (v != v) return "n/a";
        return v >= 1000 ? fmt("%.1fk", v / 1000) : fmt("%.0f", v);
    }

    static String ratio(double v) {
        return v != v || Double.isInfinite(v) ? "" : fmt("×%.2f", v);
    }

    static String ms(double v) {
        if (v != v) return "n/a";
        return v >= 100 ? fmt("%.0f", v) : v >= 10 ? fmt("%.1f", v) : fmt("%.2f", v);
    }

    static String pct(double v) {
        return v != v ? "?" : fmt("%.0f%%", v);
    }

    static String mib(double v) {
        return v != v || v < 0 ? "?" : fmt("%.0f", v);
    }

    static String count(double v) {
        return v != v ? "?" : fmt("%,.0f", v);
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}
