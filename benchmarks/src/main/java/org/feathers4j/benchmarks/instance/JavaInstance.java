package org.feathers4j.benchmarks.instance;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One benchmark instance process (A, B or C), driven by the coordinator over stdin/stdout, one
 * command per line; everything else goes to stderr. The Node instance
 * ({@code interop/node/bench-instance.js}) speaks the same protocol:
 *
 * <pre>
 * → READY                               (once connected and subscribed)
 * ← RESET phase expected                → OK
 * ← BURST phase count inflight          → DONE startNs endNs errors   (at most inflight sends pending)
 * ← PACED phase count perSecond         → DONE startNs endNs errors   (send i at start + i/perSecond)
 * ← STATS                               → STATS received dup outOfOrder firstNs lastNs foreign
 * ← LAT                                 → LAT ns,ns,...
 * ← COUNTERS                            → COUNTERS text
 * ← CREATE n                            → DONE sendNs                   (fan-out: one event)
 * ← HEAP                                → HEAP usedBytes committedBytes (after a System.gc())
 * ← QUIT                                → BYE, then exits
 * </pre>
 *
 * <p>Usage: {@code JavaInstance <sync|sync-batch|raw-redis|raw-amqp|raw-amqp-durable|raw-nats|raw-kafka> <uri> <key>}
 * or {@code JavaInstance fanout <uri> <key> <port>} (a Socket.IO server too).
 */
public final class JavaInstance {

    private JavaInstance() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        PrintStream proto = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // only protocol lines on stdout
        if (args.length < 3) {
            System.err.println("usage: JavaInstance <sync|sync-batch|sync-direct|raw-redis|raw-amqp|raw-amqp-durable|raw-nats|raw-kafka> <uri> <key>");
            System.exit(2);
        }
        Driver driver = switch (args[0]) {
            case "sync" -> new SyncDriver(args[1], args[2], false);
            case "sync-batch" -> new SyncDriver(args[1], args[2], true);
            case "sync-direct" -> new SyncDriver(args[1], args[2], false).option("directDelivery", "true");
            case "raw-redis" -> new RawRedisDriver(args[1], args[2]);
            case "raw-amqp" -> new RawAmqpDriver(args[1], args[2], false);
            case "raw-amqp-durable" -> new RawAmqpDriver(args[1], args[2], true);
            case "raw-nats" -> new RawNatsDriver(args[1], args[2]);
            case "raw-kafka" -> new RawKafkaDriver(args[1], args[2]);
            case "fanout" -> newFanout(args);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        };
        Recorder recorder = new Recorder();
        try {
            driver.start(recorder);
            proto.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.trim().split(" ");
                switch (c[0]) {
                    case "RESET" -> {
                        recorder.reset(c[1], Integer.parseInt(c[2]));
                        proto.println("OK");
                    }
                    case "BURST" -> proto.println(burst(driver, c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), 0));
                    case "PACED" -> proto.println(burst(driver, c[1], Integer.parseInt(c[2]), 100, Integer.parseInt(c[3])));
                    case "STATS" -> proto.println(recorder.stats());
                    case "LAT" -> proto.println(recorder.latencies());
                    case "COUNTERS" -> proto.println("COUNTERS " + driver.counters());
                    case "CREATE" -> { // fan-out: one event, numbered c[1]; replies with its send time
                        long t = System.nanoTime();
                        driver.send("f", Integer.parseInt(c[1]), t);
                        proto.println("DONE " + t);
                    }
                    case "HEAP" -> {
                        System.gc();
                        Runtime rt = Runtime.getRuntime();
                        proto.println("HEAP " + (rt.totalMemory() - rt.freeMemory()) + " " + rt.totalMemory());
                    }
                    case "QUIT" -> {
                        proto.println("BYE");
                        return;
                    }
                    default -> proto.println("ERR unknown command " + c[0]);
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            proto.println("ERR " + e);
        } finally {
            try {
                driver.close();
            } catch (Exception e) {
                System.err.println("bench: close failed: " + e);
            }
            System.exit(0); // client threads must not keep the process alive
        }
    }

    /** The fan-out instance is in a class of its own: it needs feathers4j-server on the class path. */
    private static Driver newFanout(String[] args) throws ReflectiveOperationException {
        if (args.length < 4) throw new IllegalArgumentException("usage: JavaInstance fanout <uri> <key> <port>");
        return (Driver) Class.forName("org.feathers4j.benchmarks.instance.FanoutDriver")
                .getDeclaredConstructor(String.class, String.class, int.class)
                .newInstance(args[1], args[2], Integer.parseInt(args[3]));
    }

    /** Sends {@code count} events with at most {@code inflight} pending; paced when {@code perSecond > 0}. */
    private static String burst(Driver driver, String phase, int count, int inflight, int perSecond) throws InterruptedException {
        Semaphore slots = new Semaphore(inflight);
        AtomicInteger errors = new AtomicInteger();
        long intervalNs = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
        String dump = intervalNs > 0 ? System.getProperty("feathers4j.bench.latdump") : null;
        long[] sendDone = dump != null ? new long[count] : null; // when send() returned: a slow send shows here
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (intervalNs > 0) {
                long target = start + i * intervalNs;
                long d;
                while ((d = target - System.nanoTime()) > 0) LockSupport.parkNanos(d);
            }
            if (!slots.tryAcquire()) {
                driver.flush(); // pipelining drivers: write what is pending before waiting for replies
                slots.acquire();
            }
            long t = System.nanoTime();
            try {
                driver.send(phase, i, t).whenComplete((v, e) -> {
                    if (e != null) errors.incrementAndGet();
                    slots.release();
                });
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                slots.release();
            }
            if (intervalNs > 0) driver.flush(); // paced: every event goes out at once
            if (sendDone != null) sendDone[i] = System.nanoTime();
        }
        driver.flush();
        slots.acquire(inflight);
        long end = System.nanoTime();
        slots.release(inflight);
        if (sendDone != null) {
            // n, when it was due, when send() returned (benchmarks/README.md: lining slow events up with their cause)
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < count; i++) sb.append(i).append('\t').append(start + i * intervalNs).append('\t').append(sendDone[i]).append('\n');
            Recorder.writeDump(dump, phase + "-sent", sb);
        }
        return "DONE " + start + " " + end + " " + errors.get();
    }
}
