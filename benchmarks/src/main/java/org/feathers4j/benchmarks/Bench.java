package org.feathers4j.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.feathers4j.benchmarks.instance.JavaInstance;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/**
 * The benchmark coordinator: for every configuration and repetition it starts instance processes
 * A, B and C, runs a warm-up, the throughput burst and the paced latency run, reads their memory
 * and CPU from {@code /proc}, and writes a Markdown table and a PNG plot of the medians.
 *
 * <p>Run it through {@code scripts/bench.sh [options]}; {@code --help} lists the options.
 */
public final class Bench {

    /** What to run; see {@link #usage()}. */
    static final class Options {
        int events = 20_000;
        int inflight = 100;
        int latencyEvents = 2_000;
        int rate = 500;
        int warmup = 100_000;
        int reps = 3;
        List<String> only = new ArrayList<>();
        Path out;
        Path root;
        boolean plot = true;
        boolean profile = false;
        /** The JVM settings README.md recommends for an instance that mostly relays events (its "JVM settings"). */
        String jvmOpts = "-Xmx512m -Xmn32m -XX:+UseSerialGC";
        Duration idle = Duration.ofSeconds(5);
        /** Unmeasured events paced at the latency rate just before the measured ones (20 s at 500/s). */
        int pacedWarmup = 10_000;
        boolean quick;
        /** The N; 15,000 clients take ~1 min per side to connect. */
        List<Integer> fanoutClients = List.of(1_500, 5_000, 15_000);
        int fanoutEvents = 30;
        /** Enough for C2 to finish compiling the fan-out path on both sides (5 left it compiling during the measured events). */
        int fanoutWarmup = 30;
        /** Least time between the warm-up and the measured events, whatever the instances' CPU (both sides idle as long). */
        int fanoutSettleMinSec = 0;
        int fanoutReps = 2;
        List<String> fanoutSides = List.of("feathers4j", "node-feathers");
        /** Jars put first on the class path of the side {@code feathers4j-before}, e.g. main's server and channels. */
        String fanoutBeforeCp;
        String fanoutBroker = "redis";
        boolean fanout = true;
        /** The class path of the Java instance JVMs (default: this JVM's). */
        String classpath = System.getProperty("java.class.path");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> {
                        o.quick = true;
                        o.events = 2_000;
                        o.latencyEvents = 500;
                        o.warmup = 5_000;
                        o.pacedWarmup = 500;
                        o.reps = 1;
                        o.fanoutClients = List.of(500);
                        o.fanoutEvents = 10;
                        o.fanoutWarmup = 5;
                        o.fanoutReps = 1;
                    }
                    case "--fanout-clients" -> o.fanoutClients =
                            Arrays.stream(args[++i].split(",")).map(v -> Integer.parseInt(v.trim().replace("_", ""))).toList();
                    case "--fanout-events" -> o.fanoutEvents = Integer.parseInt(args[++i]);
                    case "--fanout-warmup" -> o.fanoutWarmup = Integer.parseInt(args[++i]);
                    case "--fanout-settle-min" -> o.fanoutSettleMinSec = Integer.parseInt(args[++i]);
                    case "--fanout-reps" -> o.fanoutReps = Integer.parseInt(args[++i]);
                    case "--fanout-sides" -> o.fanoutSides = Arrays.asList(args[++i].split(","));
                    case "--fanout-before-cp" -> o.fanoutBeforeCp = args[++i];
                    case "--fanout-broker" -> o.fanoutBroker = args[++i];
                    case "--no-fanout" -> o.fanout = false;
                    case "--events" -> o.events = Integer.parseInt(args[++i]);
                    case "--inflight" -> o.inflight = Integer.parseInt(args[++i]);
                    case "--latency-events" -> o.latencyEvents = Integer.parseInt(args[++i]);
                    case "--rate" -> o.rate = Integer.parseInt(args[++i]);
                    case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
                    case "--reps" -> o.reps = Integer.parseInt(args[++i]);
                    case "--configs" -> o.only.addAll(Arrays.asList(args[++i].split(",")));
                    case "--out" -> o.out = Path.of(args[++i]);
                    case "--root" -> o.root = Path.of(args[++i]);
                    case "--no-plot" -> o.plot = false;
                    case "--profile" -> o.profile = true;
                    case "--jvm-opts" -> o.jvmOpts = args[++i];
                    case "--idle-seconds" -> o.idle = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--paced-warmup" -> o.pacedWarmup = Integer.parseInt(args[++i]);
                    case "--help", "-h" -> {
                        System.out.println(usage());
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
                }
            }
            if (o.root == null) {
                String r = System.getProperty("feathers4j.bench.root");
                o.root = Path.of(r != null ? r : ".").toAbsolutePath().normalize();
            }
            if (o.out == null) o.out = o.root.resolve("benchmarks/results");
            if (o.fanoutClients.isEmpty() || o.fanoutClients.stream().anyMatch(n -> n < 1 || n > 20_000) || o.fanoutEvents < 1
                    || o.fanoutWarmup < 1 || o.fanoutReps < 1 || o.fanoutSettleMinSec < 0 || !Fanout.SIDES.containsAll(o.fanoutSides)) {
                throw new IllegalArgumentException("--fanout-clients must be 1..20,000 (a list: 1500,5000), --fanout-events,"
                        + " --fanout-warmup and --fanout-reps positive, --fanout-settle-min not negative, --fanout-sides among "
                        + Fanout.SIDES);
            }
        if (o.events < 1 || o.latencyEvents < 1 || o.reps < 1 || o.inflight < 1 || o.rate < 1 || o.warmup < 0 || o.pacedWarmup < 0) {
                throw new IllegalArgumentException("counts must be positive\n" + usage());
            }
            return o;
        }

        boolean wants(BenchConfig c) {
            if (only.isEmpty()) return true;
            for (String s : only) if (c.name().equals(s) || c.name().contains(s)) return true;
            return false;
        }
    }

    static String usage() {
        return """
                usage: scripts/bench.sh [--quick] [options]
                  --quick               2,000-event burst, 500 latency events, 5,000 warm-up, 1 repetition
                  --events N            burst size (default 20,000)
                  --inflight N          creates in flight during the burst (default 100)
                  --latency-events N    paced creates of the latency run (default 2,000)
                  --rate N              their rate per second (default 500)
                  --warmup N            warm-up events before measuring, in rounds of at most the burst (default 100,000: the JIT needs it)
                  --reps N              repetitions; the table shows medians (default 3)
                  --configs a,b         only configurations whose name contains one of these
                                        (feathers4j-redis, feathers-sync-amqp, raw-java-nats, raw-node, redis, ...)
                  --out DIR             where latest.md and latest.png go (default benchmarks/results)
                  --no-plot             no PNG
                  --fanout-clients N,.. Socket.IO clients of the fan-out run, over 3 instances (default
                                        1500,5000,15000; --quick: 500); each N runs; the run needs
                                        feathers4j-server on the class path
                  --fanout-events N     measured events of the fan-out run (default 30; --quick: 10)
                  --fanout-warmup N     unmeasured events before them (default 30; --quick: 5)
                  --fanout-settle-min S least seconds between the warm-up and the measured events, even
                                        when the instances' CPU settled sooner (default 0); gives both
                                        sides the same idle time before the measured events
                  --fanout-reps N       repetitions of each side and N (default 2; --quick: 1)
                  --fanout-sides a,b    feathers4j (Java instances) and/or node-feathers (Feathers 5 +
                                        @feathersjs/socketio + feathers-sync, Redis only); default both,
                                        side by side for each N; feathers4j-before: Java instances with
                                        --fanout-before-cp CP first on their class path (another build
                                        of feathers4j-server/-channels, to compare before/after)
                  --fanout-broker B     the adapter the fan-out instances sync through (default redis)
                  --no-fanout           no fan-out run
                  --profile             JFR recording of the Java instances in the first repetition,
                                        summarised into DIR/profile-<config>.txt
                  --jvm-opts "..."      options of the Java instance JVMs
                                        (default -Xmx512m -Xmn32m -XX:+UseSerialGC, README.md's "JVM settings")
                  --idle-seconds N      a phase ends when no receiver progressed for N s (default 5;
                                        6×N before the first event arrived)
                  --paced-warmup N      unmeasured events at the latency rate before the measured ones
                                        (default 10,000; --quick: 500; 0: the latency phase right
                                        after the burst, while the JIT is still compiling)""";
    }

    private final Options opts;
    private final Path logs;
    private final String javaBin = ProcessHandle.current().info().command().orElse("java");

    Bench(Options opts) throws IOException {
        this.opts = opts;
        this.logs = opts.out.resolve("logs");
        Files.createDirectories(logs);
    }

    /** Entry point; see {@link #usage()}. */
    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<Results.ConfigResult> results = new Bench(o).runAll();
        boolean any = results.stream().anyMatch(Results.ConfigResult::hasFigures);
        System.exit(any ? 0 : 1);
    }

    /** Runs every wanted configuration {@code reps} times (interleaved) and writes the report. */
    List<Results.ConfigResult> runAll() throws Exception {
        String loadBefore = Report.loadAverage();
        long started = System.currentTimeMillis();
        Set<String> schemes = new TreeSet<>();
        for (SyncAdapterProvider p : Sync.providers()) schemes.addAll(p.schemes());
        Path nodeDir = opts.root.resolve("interop/node");
        boolean nodeReady = Files.isDirectory(nodeDir.resolve("node_modules/feathers-sync"));

        Map<String, Results.ConfigResult> results = new LinkedHashMap<>();
        Map<String, Boolean> reachable = new LinkedHashMap<>();
        for (BenchConfig c : BenchConfig.all()) {
            if (!opts.wants(c)) continue;
            Results.ConfigResult r = new Results.ConfigResult(c);
            results.put(c.name(), r);
            boolean up = reachable.computeIfAbsent(c.broker(), Brokers::reachable);
            if (c.family().startsWith(BenchConfig.F4J) && !schemes.contains(schemeOf(c.broker()))) {
                r.skipped = "no feathers4j adapter for " + c.broker() + " on the classpath yet";
            } else if (c.node() && !nodeReady) {
                r.skipped = "Node peers missing: run npm ci in " + nodeDir;
            } else if (!up) {
                r.skipped = c.broker() + " unreachable at " + Brokers.redacted(c.broker());
            }
        }
        if (results.isEmpty() && !opts.only.contains("fanout")) {
            throw new IllegalArgumentException("no configuration matches " + opts.only);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        for (Map.Entry<String, Boolean> e : reachable.entrySet()) {
            if (e.getValue()) versions.put(e.getKey(), Brokers.version(e.getKey()));
        }

        log("feathers4j benchmarks: %d configuration(s), %d repetition(s); burst %,d (≤%d in flight), latency %,d at %d/s, warm-up %,d; load %s",
                results.values().stream().filter(r -> r.skipped == null).count(), opts.reps, opts.events, opts.inflight,
                opts.latencyEvents, opts.rate, opts.warmup, loadBefore);
        for (Results.ConfigResult r : results.values()) if (r.skipped != null) log("  skip %s: %s", r.config.name(), r.skipped);
        if (results.values().stream().allMatch(r -> r.skipped != null) && !opts.fanout) {
            log("nothing to run");
        }

        for (int rep = 1; rep <= opts.reps; rep++) {
            for (Results.ConfigResult r : results.values()) {
                if (r.skipped != null) continue;
                try {
                    Results.Rep figures = runOnce(r.config, rep);
                    r.reps.add(figures);
                    log("  %-20s rep %d: %,9.0f ev/s  lost %d dup %d ooo %d  p50 %.3f p99 %.3f max %.3f ms  RSS A %.0f→%.0f MiB  CPU A %.0f ms/1k  ready %.2f s",
                            r.config.name(), rep, figures.evPerSec(), figures.lost(), figures.duplicates(), figures.outOfOrder(),
                            figures.latencyMs()[0], figures.latencyMs()[2], figures.latencyMs()[4], figures.rssReadyA(),
                            figures.rssPeakA(), figures.cpuA(), figures.readySec());
                } catch (Exception e) {
                    r.errors.add("rep " + rep + ": " + e.getMessage());
                    log("  %-20s rep %d FAILED: %s", r.config.name(), rep, e.getMessage());
                }
            }
        }
        List<Fanout.Result> fanout = new ArrayList<>();
        if (opts.fanout && (opts.only.isEmpty() || opts.only.contains("fanout"))) {
            int round = 0;
            for (int n : opts.fanoutClients) {
                for (int rep = 1; rep <= opts.fanoutReps; rep++, round++) {
                    // alternate which side goes first, so a drift of the machine's load does not favour one
                    List<String> sides = new ArrayList<>(opts.fanoutSides);
                    if (round % 2 == 1) java.util.Collections.reverse(sides);
                    for (String side : sides) {
                        String why = Fanout.unavailable(opts, side, schemes, nodeReady);
                        if (why != null) {
                            if (rep == 1) fanout.add(Fanout.Result.skipped(side + ": " + why));
                            log("  skip fan-out %s: %s", side, why);
                        } else {
                            log("  fan-out %s, %,d clients, rep %d; load %s", side, n, rep, Report.loadAverage());
                            fanout.add(new Fanout(opts, logs, javaBin, side, n, rep).run());
                        }
                    }
                }
            }
        }
        List<Results.ConfigResult> list = new ArrayList<>(results.values());
        Report report = new Report(opts, list, versions, loadBefore, Report.loadAverage(),
                Duration.ofMillis(System.currentTimeMillis() - started));
        report.fanout(fanout);
        String md = report.markdown();
        System.out.println();
        System.out.println(md);
        Files.createDirectories(opts.out);
        Files.writeString(opts.out.resolve("latest.md"), md);
        Files.writeString(opts.out.resolve("latest-reps.tsv"), report.repsTsv());
        if (opts.plot) {
            Path png = opts.out.resolve("latest.png");
            Plot.write(list, png, report.subtitle());
            log("wrote %s and %s", opts.out.resolve("latest.md"), png);
        } else {
            log("wrote %s", opts.out.resolve("latest.md"));
        }
        return list;
    }

    private static String schemeOf(String broker) {
        return broker; // redis://, amqp://, nats://, mongodb://
    }

    /** One repetition of one configuration: start A, B, C; probe; warm up; burst; latency; read /proc. */
    Results.Rep runOnce(BenchConfig c, int rep) throws Exception {
        String key = "f4jbench-" + ProcessHandle.current().pid() + "-" + c.name() + "-" + rep;
        int events = Math.min(opts.events, c.maxEvents());
        int warmup = Math.min(opts.warmup, c.maxEvents() / 5);
        double busy = ProcStats.awaitQuiet(0.15, Duration.ofSeconds(20));
        if (busy >= 0.15) log("    the machine stayed busy before %s (%.0f%% of all cores): measured anyway", c.name(), busy * 100);
        List<Child> all = new ArrayList<>();
        try {
            long starting = System.nanoTime();
            Child b = start(c, "B", key, rep);
            all.add(b);
            Child cc = start(c, "C", key, rep);
            all.add(cc);
            Child a = start(c, "A", key, rep);
            all.add(a);
            List<Child> receivers = List.of(b, cc);
            for (Child ch : all) ch.expect("READY", Duration.ofSeconds(90));
            double readySec = (System.nanoTime() - starting) / 1e9;
            Thread.sleep(200);
            ProcStats.Sample readyA = a.sample();
            ProcStats.Sample readyB = b.sample();
            ProcStats.Sample readyC = cc.sample();

            probe(a, all);
            // in rounds no larger than the measured burst, each received everywhere before the next, so
            // that a long warm-up does not leave a backlog (or a grown heap) the burst would inherit
            for (int left = warmup; left > 0; ) {
                int round = Math.min(left, events);
                reset(all, "w", round);
                a.call("BURST w " + round + " " + opts.inflight, "DONE", phaseTimeout(round));
                waitFor(all, round);
                left -= round;
            }

            // throughput burst
            reset(all, "t", events);
            long broker0 = Brokers.cpuTicks(c.broker());
            long wall0 = System.nanoTime();
            ProcStats.Sample cpu0A = a.sample();
            ProcStats.Sample cpu0B = b.sample();
            ProcStats.Sample cpu0C = cc.sample();
            String[] done = a.call("BURST t " + events + " " + opts.inflight, "DONE", phaseTimeout(events)).split(" ");
            long burstStart = Long.parseLong(done[1]);
            List<long[]> st = waitFor(all, events);
            ProcStats.Sample cpu1A = a.sample();
            long wallMs = (System.nanoTime() - wall0) / 1_000_000;
            long broker1 = Brokers.cpuTicks(c.broker());
            ProcStats.Sample cpu1B = b.sample();
            ProcStats.Sample cpu1C = cc.sample();
            long[] sb = st.get(0);
            long[] sc = st.get(1);
            long[] sa = st.get(2);
            double evB = rate(sb, burstStart);
            double evC = rate(sc, burstStart);
            int lost = (int) Math.max(events - sb[0], events - sc[0]);
            int dup = (int) Math.max(sb[1], sc[1]);
            int ooo = (int) Math.max(sb[2], sc[2]);
            double cpuA = (cpu1A.cpuMs() - cpu0A.cpuMs()) / (events / 1000.0);
            double[] util = {
                100.0 * (cpu1A.cpuMs() - cpu0A.cpuMs()) / Math.max(1, wallMs),
                100.0 * Math.max(cpu1B.cpuMs() - cpu0B.cpuMs(), cpu1C.cpuMs() - cpu0C.cpuMs()) / Math.max(1, wallMs),
                broker0 < 0 || broker1 < 0 ? Double.NaN : 100.0 * (broker1 - broker0) * 1000.0 / ProcStats.TICKS_PER_SECOND / Math.max(1, wallMs),
                0
            };
            util[3] = 100.0 * (cpu1A.cpuMs() - cpu0A.cpuMs() + cpu1B.cpuMs() - cpu0B.cpuMs() + cpu1C.cpuMs() - cpu0C.cpuMs())
                    / Math.max(1, wallMs) + (Double.isNaN(util[2]) ? 0 : util[2]);
            double cpuRecv = ((cpu1B.cpuMs() - cpu0B.cpuMs()) / Math.max(1, sb[0] / 1000.0)
                    + (cpu1C.cpuMs() - cpu0C.cpuMs()) / Math.max(1, sc[0] / 1000.0)) / 2;

            // latency run. First the paced path at the paced rate, unmeasured: right after the burst the sender's C2
            // compiler thread took 40-65 % of a core through the whole latency phase, compiling what pacing runs
            // (a wait for the CPU to settle first did not stop that: benchmarks/README.md, "Where the Redis tail came from")
            if (opts.pacedWarmup > 0) {
                reset(all, "q", opts.pacedWarmup);
                a.call("PACED q " + opts.pacedWarmup + " " + opts.rate, "DONE",
                        phaseTimeout(opts.pacedWarmup).plusSeconds(opts.pacedWarmup / opts.rate));
                waitFor(all, opts.pacedWarmup);
            }
            reset(all, "l", opts.latencyEvents);
            a.call("PACED l " + opts.latencyEvents + " " + opts.rate, "DONE",
                    phaseTimeout(opts.latencyEvents).plusSeconds(opts.latencyEvents / opts.rate));
            List<long[]> lst = waitFor(all, opts.latencyEvents);
            int latLost = (int) Math.max(opts.latencyEvents - lst.get(0)[0], opts.latencyEvents - lst.get(1)[0]);
            long[] lat = merge(latencies(b), latencies(cc));
            Arrays.sort(lat);
            double[] latMs = new double[] {
                Results.Stats.percentile(lat, 0.50) / 1e6, Results.Stats.percentile(lat, 0.90) / 1e6,
                Results.Stats.percentile(lat, 0.99) / 1e6, Results.Stats.percentile(lat, 0.999) / 1e6,
                lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6
            };
            for (Child ch : all) {
                if (!c.node() && c.mode().startsWith("sync")) logCounters(ch);
            }
            ProcStats.Sample endA = a.sample();
            ProcStats.Sample endB = b.sample();
            ProcStats.Sample endC = cc.sample();
            return new Results.Rep(Math.min(evB, evC), rate(sa, burstStart), lost, dup, ooo, latMs, latLost,
                    readyA.rssMiB(), endA.hwmMiB(), Math.max(readyB.rssMiB(), readyC.rssMiB()),
                    Math.max(endB.hwmMiB(), endC.hwmMiB()), cpuA, cpuRecv, util, readySec);
        } finally {
            for (Child ch : all) ch.close();
            Brokers.cleanup(c.broker(), key);
            if (opts.profile && rep == 1 && !c.node()) summariseProfiles(c);
        }
    }

    private Child start(BenchConfig c, String role, String key, int rep) throws IOException {
        String uri = c.uri(Brokers.uri(c.broker()));
        List<String> cmd = new ArrayList<>();
        if (c.node()) {
            cmd.add("node");
            cmd.add(opts.root.resolve("interop/node/bench-instance.js").toString());
        } else {
            cmd.add(javaBin);
            cmd.add("-Xlog:disable"); // JVM messages must not reach stdout (the protocol): warnings go to stderr
            cmd.add("-Xlog:all=warning:stderr");
            for (String o : opts.jvmOpts.trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
            if (opts.profile && rep == 1) {
                cmd.add("-Xlog:jfr+startup=error:stderr"); // else JFR announces itself on stdout
                cmd.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + logs.resolve(c.name() + "-" + role + ".jfr"));
            }
            cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            cmd.add("-cp");
            cmd.add(opts.classpath);
            cmd.add(JavaInstance.class.getName());
        }
        cmd.add(c.mode());
        cmd.add(uri);
        cmd.add(key);
        Path log = logs.resolve(c.name() + "-r" + rep + "-" + role + ".log");
        Files.deleteIfExists(log);
        File dir = c.node() ? opts.root.resolve("interop/node").toFile() : opts.root.toFile();
        return Child.start(c.name() + "/" + role, cmd, dir, log);
    }

    /** Sends single events until every instance has received one (all are subscribed). */
    private void probe(Child a, List<Child> all) throws Exception {
        reset(all, "p", 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            a.call("BURST p 1 1", "DONE", Duration.ofSeconds(10));
            Thread.sleep(100);
            boolean allGot = true;
            for (Child ch : all) if (stats(ch)[0] < 1) allGot = false;
            if (allGot) return;
        }
        throw new IllegalStateException("not every instance received the probe event within 30 s");
    }

    private void reset(List<Child> all, String phase, int expected) throws Exception {
        for (Child ch : all) ch.call("RESET " + phase + " " + expected, "OK", Duration.ofSeconds(10));
    }

    private Duration phaseTimeout(int events) {
        return Duration.ofSeconds(60 + events / 100);
    }

    /**
     * Polls every instance until each has {@code expected} events, or none progressed for the idle
     * time, or the phase timeout passed. Returns the last STATS of B, C, A (in start order).
     */
    private List<long[]> waitFor(List<Child> all, int expected) throws Exception {
        long deadline = System.nanoTime() + phaseTimeout(expected).toNanos();
        long total = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            List<long[]> st = new ArrayList<>();
            long sum = 0;
            boolean complete = true;
            for (Child ch : all) {
                long[] s = stats(ch);
                st.add(s);
                sum += s[0];
                if (s[0] < expected) complete = false;
            }
            long now = System.nanoTime();
            if (sum != total) {
                total = sum;
                lastProgress = now;
            }
            // before the first arrival, allow a slow start (e.g. a connection per event) up to 6× the idle time
            long idle = sum == 0 ? opts.idle.toNanos() * 6 : opts.idle.toNanos();
            if (complete || now - lastProgress > idle || now > deadline) return st;
            Thread.sleep(complete ? 0 : 100);
        }
    }

    private static long[] stats(Child ch) throws Exception {
        String[] f = ch.call("STATS", "STATS", Duration.ofSeconds(10)).split(" ");
        long[] v = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) v[i - 1] = Long.parseLong(f[i]);
        return v; // received, dup, ooo, firstNs, lastNs, foreign
    }

    private static double rate(long[] s, long burstStart) {
        if (s[0] == 0) return 0;
        return s[0] / ((s[4] - burstStart) / 1e9);
    }

    private static long[] latencies(Child ch) throws Exception {
        String l = ch.call("LAT", "LAT", Duration.ofSeconds(10)).substring(3).trim();
        if (l.isEmpty()) return new long[0];
        return Arrays.stream(l.split(",")).mapToLong(s -> (long) Double.parseDouble(s)).toArray();
    }

    private static long[] merge(long[] x, long[] y) {
        long[] m = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, m, x.length, y.length);
        return m;
    }

    private void logCounters(Child ch) {
        try {
            log("    %s counters: %s", ch.name(), ch.call("COUNTERS", "COUNTERS", Duration.ofSeconds(5)).substring(8).trim());
        } catch (Exception e) {
            log("    %s counters unavailable: %s", ch.name(), e.getMessage());
        }
    }

    private void summariseProfiles(BenchConfig c) {
        for (String role : List.of("A", "B")) {
            Path jfr = logs.resolve(c.name() + "-" + role + ".jfr");
            if (!Files.exists(jfr)) continue;
            try {
                Path out = opts.out.resolve("profile-" + c.name() + "-" + role + ".txt");
                Files.writeString(out, JfrSummary.summarise(jfr, 25));
                log("    profile of %s/%s: %s", c.name(), role, out);
            } catch (IOException e) {
                log("    profile of %s/%s failed: %s", c.name(), role, e.getMessage());
            }
        }
    }

    static void log(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
