package org.feathers4j.benchmarks;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.feathers4j.benchmarks.instance.JavaInstance;

/**
 * The fan-out run of one side and one N: three server instances serving Socket.IO (websocket)
 * and synced through one broker, N clients (one Node process, {@code interop/node/bench-clients.js})
 * spread over them, every connection in one channel that gets every event. Side
 * {@code feathers4j}: Java instances ({@code FanoutDriver}: feathers4j-server + an adapter);
 * side {@code node-feathers}: Node Feathers 5 instances ({@code interop/node/bench-instance.js fanout}:
 * {@code @feathersjs/socketio} + feathers-sync on Redis). Events are created one at a time on
 * instance A; for each, the time from just before {@code create} to the moment the last client
 * has it. Heap (after a GC) and RSS per instance.
 */
final class Fanout {

    /** The sides a fan-out run can measure. */
    static final List<String> SIDES = List.of("feathers4j", "node-feathers", "feathers4j-before");

    /**
     * @param skipped      why the run did not happen, or null
     * @param error        why it failed, or null
     * @param clients      clients asked for
     * @param events       events created
     * @param incomplete   events that did not reach every client within 10 s
     * @param latencyMs    p50, p99, max of "last client has it" over the complete events
     * @param connectSec   seconds to connect every client
     * @param rssMiB       RSS of each instance after the clients connected
     * @param peakMiB      peak RSS (VmHWM) of each instance at the end
     * @param heapMiB      used heap after a GC of each instance, clients connected
     * @param clientsRssMiB peak RSS of the Node process holding the clients
     * @param broker       the adapter's broker
     * @param instancesCpuMsPerEvent CPU time of the three instances together per event (ms)
     * @param clientsCpuMsPerEvent   CPU time of the client process per event (ms)
     * @param side                   {@code feathers4j} or {@code node-feathers}
     * @param firstLastP50Ms         median of the first ten and of the last ten measured events (ms; NaN if fewer than 20)
     * @param instancesCpuMsConnect  CPU time of the three instances while the clients connected (ms)
     * @param rep                    the repetition (from 1)
     * @param instancesIdleCpuPct    CPU of the three instances holding the clients with no event, in the last
     *                               settle window before the measured events (% of one core)
     * @param settleSec              time from the end of the warm-up until the instances' CPU settled
     */
    record Result(String skipped, String error, int clients, int events, int incomplete, double[] latencyMs,
                  double connectSec, double[] rssMiB, double[] peakMiB, double[] heapMiB, double clientsRssMiB, String broker,
                  double instancesCpuMsPerEvent, double clientsCpuMsPerEvent, String side, double[] firstLastP50Ms,
                  double instancesCpuMsConnect, int rep, double instancesIdleCpuPct, double settleSec) {
        static Result skipped(String why) {
            return new Result(why, null, 0, 0, 0, null, 0, null, null, null, 0, null, 0, 0, null, null, 0, 0, 0, 0);
        }

        static Result failed(String why, int clients, String broker, String side, int rep) {
            return new Result(null, why, clients, 0, 0, null, 0, null, null, null, 0, broker, 0, 0, side, null, 0, rep, 0, 0);
        }

        boolean measured() {
            return skipped == null && error == null;
        }
    }

    private static final int WARM_UP_EVENT = 1_000_000;
    private static final Duration SETTLE_WINDOW = Duration.ofSeconds(3);
    private static final double SETTLED_PCT = 3.0;
    private static final Duration MAX_SETTLE = Duration.ofSeconds(90);

    private final Bench.Options opts;
    private final Path logs;
    private final String javaBin;
    private final String side;
    private final int clientCount;
    private final int rep;

    Fanout(Bench.Options opts, Path logs, String javaBin, String side, int clientCount, int rep) {
        this.rep = rep;
        this.opts = opts;
        this.logs = logs;
        this.javaBin = javaBin;
        this.side = side;
        this.clientCount = clientCount;
    }

    /** Why the run cannot happen here, or null. */
    static String unavailable(Bench.Options opts, String side, Set<String> schemes, boolean nodeReady) {
        if (side.equals("feathers4j-before") && opts.fanoutBeforeCp == null) return "no --fanout-before-cp given";
        if (side.startsWith("feathers4j") && !schemes.contains(opts.fanoutBroker)) {
            return "no feathers4j adapter for " + opts.fanoutBroker + " on the class path yet";
        }
        if (!nodeReady) return "Node peers missing: run npm ci in interop/node";
        if (side.equals("node-feathers")) {
            if (!opts.fanoutBroker.equals("redis")) return "the Node Feathers side runs on Redis only (feathers-sync)";
            if (!Files.isDirectory(opts.root.resolve("interop/node/node_modules/@feathersjs/socketio"))) {
                return "@feathersjs/socketio missing: run npm ci in interop/node";
            }
        }
        if (!Brokers.reachable(opts.fanoutBroker)) return opts.fanoutBroker + " unreachable at " + Brokers.redacted(opts.fanoutBroker);
        return null;
    }

    Result run() {
        String broker = opts.fanoutBroker;
        String key = "f4jbench-" + ProcessHandle.current().pid() + "-fanout-" + side + "-" + clientCount + "-" + rep;
        int warmUp = Math.max(1, opts.fanoutWarmup);
        List<Child> instances = new ArrayList<>();
        Child clients = null;
        try {
            List<String> urls = new ArrayList<>();
            for (String role : List.of("A", "B", "C")) {
                int port = freePort();
                urls.add("http://127.0.0.1:" + port);
                List<String> cmd = new ArrayList<>();
                Path log = logs.resolve("fanout-" + side + "-" + role + ".log");
                Files.deleteIfExists(log);
                if (side.equals("node-feathers")) {
                    cmd.addAll(List.of("node", "--expose-gc", opts.root.resolve("interop/node/bench-instance.js").toString(),
                            "fanout", Brokers.uri(broker), key, Integer.toString(port)));
                    instances.add(Child.start("fanout/" + side + "/" + role, cmd, opts.root.resolve("interop/node").toFile(), log));
                    continue;
                }
                cmd.add(javaBin);
                cmd.add("-Xlog:disable");
                cmd.add("-Xlog:all=warning:stderr");
                for (String o : opts.jvmOpts.trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
                cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
                cmd.add("-cp");
                // the "before" side: other builds of the server/channels first on the class path
                cmd.add(side.equals("feathers4j-before") ? opts.fanoutBeforeCp + File.pathSeparator + opts.classpath : opts.classpath);
                cmd.add(JavaInstance.class.getName());
                cmd.addAll(List.of("fanout", Brokers.uri(broker), key, Integer.toString(port)));
                instances.add(Child.start("fanout/" + side + "/" + role, cmd, opts.root.toFile(), log));
            }
            for (Child c : instances) c.expect("READY", Duration.ofSeconds(90));
            Bench.log("  fan-out %s: 3 instances up (%s); connecting %,d Socket.IO clients", side, broker, clientCount);
            Path clog = logs.resolve("fanout-" + side + "-clients.log");
            Files.deleteIfExists(clog);
            long connectCpu0 = 0;
            for (Child c : instances) connectCpu0 += c.sample().cpuTicks();
            long t0 = System.nanoTime();
            clients = Child.start("fanout/clients", List.of("node", opts.root.resolve("interop/node/bench-clients.js").toString(),
                    Integer.toString(clientCount), String.join(",", urls)), opts.root.resolve("interop/node").toFile(), clog);
            clients.expect("READY", Duration.ofSeconds(200));
            double connectSec = (System.nanoTime() - t0) / 1e9;
            long connectCpu1 = 0;
            for (Child c : instances) connectCpu1 += c.sample().cpuTicks();
            double connectCpuMs = (connectCpu1 - connectCpu0) * 1000.0 / ProcStats.TICKS_PER_SECOND;
            for (Child c : instances) {
                Bench.log("    %s %s", c.name(), c.call("COUNTERS", "COUNTERS", Duration.ofSeconds(10)).substring(8).trim());
            }
            Child a = instances.get(0);
            // warm-up events, not measured
            for (int w = 0; w < warmUp; w++) {
                a.call("CREATE " + (WARM_UP_EVENT + w), "DONE", Duration.ofSeconds(10));
                clients.call("WAIT " + (WARM_UP_EVENT + w) + " 10000", "GOT", Duration.ofSeconds(20));
                Thread.sleep(50);
            }
            // Settle: the JIT goes on compiling what the warm-up made hot long after it (C2 got 10-18 % of a
            // core per instance for a minute at 5,000 clients, measured); the measured events start once the
            // instances' CPU with no event falls below SETTLED_PCT over a window, or after MAX_SETTLE. The
            // last window's CPU is reported (the cost of holding N clients), and the time it took.
            long settleT0 = System.nanoTime();
            long least = Duration.ofSeconds(opts.fanoutSettleMinSec).toNanos();
            long limit = Math.max(MAX_SETTLE.toNanos(), least);
            double idleCpuPct;
            while (true) {
                long cpu0 = 0;
                for (Child c : instances) cpu0 += c.sample().cpuTicks();
                long w0 = System.nanoTime();
                Thread.sleep(SETTLE_WINDOW.toMillis());
                long cpu1 = 0;
                for (Child c : instances) cpu1 += c.sample().cpuTicks();
                idleCpuPct = (cpu1 - cpu0) * 100.0 / ProcStats.TICKS_PER_SECOND / ((System.nanoTime() - w0) / 1e9);
                long waited = System.nanoTime() - settleT0;
                if ((idleCpuPct < SETTLED_PCT && waited >= least) || waited >= limit) break;
            }
            double settleSec = (System.nanoTime() - settleT0) / 1e9;
            long clientsCpu0 = clients.sample().cpuTicks();
            long instancesCpu0 = 0;
            for (Child c : instances) instancesCpu0 += c.sample().cpuTicks();
            long[] lat = new long[opts.fanoutEvents];
            long[] inOrder = new long[opts.fanoutEvents];
            int complete = 0;
            int incomplete = 0;
            for (int k = 0; k < opts.fanoutEvents; k++) {
                long sent = Long.parseLong(a.call("CREATE " + k, "DONE", Duration.ofSeconds(10)).split(" ")[1]);
                String[] got = clients.call("WAIT " + k + " 10000", "GOT", Duration.ofSeconds(20)).split(" ");
                if (Integer.parseInt(got[2]) == clientCount) {
                    inOrder[complete] = Long.parseLong(got[3]) - sent;
                    lat[complete] = inOrder[complete];
                    complete++;
                } else {
                    incomplete++;
                }
                Thread.sleep(50);
            }
            double clientsCpuMs = (clients.sample().cpuTicks() - clientsCpu0) * 1000.0 / ProcStats.TICKS_PER_SECOND / opts.fanoutEvents;
            long instancesCpu1 = 0;
            for (Child c : instances) instancesCpu1 += c.sample().cpuTicks();
            double instancesCpuMs = (instancesCpu1 - instancesCpu0) * 1000.0 / ProcStats.TICKS_PER_SECOND / opts.fanoutEvents;
            long[] done = Arrays.copyOf(lat, complete);
            Arrays.sort(done);
            double[] latMs = {Results.Stats.percentile(done, 0.5) / 1e6, Results.Stats.percentile(done, 0.99) / 1e6,
                complete == 0 ? Double.NaN : done[complete - 1] / 1e6};
            double[] firstLast = {Double.NaN, Double.NaN};
            if (complete >= 20) {
                long[] first = Arrays.copyOfRange(inOrder, 0, 10);
                long[] last = Arrays.copyOfRange(inOrder, complete - 10, complete);
                Arrays.sort(first);
                Arrays.sort(last);
                firstLast = new double[] {Results.Stats.percentile(first, 0.5) / 1e6, Results.Stats.percentile(last, 0.5) / 1e6};
            }
            double[] rss = new double[3];
            double[] peak = new double[3];
            double[] heap = new double[3];
            for (int i = 0; i < 3; i++) {
                Child c = instances.get(i);
                heap[i] = Long.parseLong(c.call("HEAP", "HEAP", Duration.ofSeconds(30)).split(" ")[1]) / 1048576.0;
                ProcStats.Sample s = c.sample();
                rss[i] = s.rssMiB();
                peak[i] = s.hwmMiB();
            }
            double clientsRss = clients.sample().hwmMiB();
            Bench.log("  fan-out %s: %,d clients, %d events: last client p50 %.1f ms, p99 %.1f ms; %d incomplete; connect %.1f s;"
                            + " CPU/event %.0f ms; RSS %.0f/%.0f/%.0f MiB", side, clientCount, opts.fanoutEvents, latMs[0], latMs[1],
                    incomplete, connectSec, instancesCpuMs, rss[0], rss[1], rss[2]);
            return new Result(null, null, clientCount, opts.fanoutEvents, incomplete, latMs, connectSec, rss, peak, heap,
                    clientsRss, broker, instancesCpuMs, clientsCpuMs, side, firstLast, connectCpuMs, rep, idleCpuPct, settleSec);
        } catch (Exception e) {
            Bench.log("  fan-out %s FAILED: %s", side, e.getMessage());
            return Result.failed(e.getMessage(), clientCount, broker, side, rep);
        } finally {
            if (clients != null) clients.close();
            for (Child c : instances) c.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
