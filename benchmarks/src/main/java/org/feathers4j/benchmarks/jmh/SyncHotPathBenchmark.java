package org.feathers4j.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.benchmarks.instance.EchoService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncKeys;
import org.feathers4j.sync.SyncMessage;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The sync hot path per event, without a broker:
 * <ul>
 *   <li>{@code createAndPublish}: {@code messages.create} → service → event interceptor → context
 *       filter → JSON serialization → a no-op adapter's publish;</li>
 *   <li>{@code serialize}: the JSON serialization of one message alone;</li>
 *   <li>{@code receiveAndDispatch}: message bytes handed over by the adapter → decode,
 *       shape check, context rebuild → the {@code created} listener;</li>
 *   <li>{@code deserialize}: the JSON decoding of one message alone;</li>
 *   <li>{@code signAndVerify}: what a signed bus adds per message, sender and receiver together:
 *       sealing it (HMAC-SHA-256) and opening it again (verifying the MAC).</li>
 * </ul>
 * The event is the cross-process benchmarks' (a short chat line; about 600 bytes on the wire).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SyncHotPathBenchmark {

    static final String TEXT = "benchmark message: a short chat line, about the size of a typical one";

    private Application sender;
    private AppService senderMessages;
    private Application receiver;
    private NoopSyncAdapter receiverAdapter;
    private Blackhole hole;
    private SyncSerializer serializer;
    private SyncMessage message;
    private byte[] nodeBytes;
    private SyncKeys keys;
    private int n;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) throws Exception {
        hole = bh;
        SyncOptions options = new SyncOptions().key("bench");
        serializer = options.serializer();

        sender = new Application();
        sender.configure(Sync.with(new NoopSyncAdapter(options), options));
        sender.use("messages", new EchoService());
        senderMessages = sender.service("messages");
        sender.sync().ready().get(5, TimeUnit.SECONDS);

        receiver = new Application();
        SyncOptions ro = new SyncOptions().key("bench");
        receiverAdapter = new NoopSyncAdapter(ro);
        receiver.configure(Sync.with(receiverAdapter, ro));
        receiver.use("messages", new EchoService());
        receiver.service("messages").on("created", (data, ctx) -> hole.consume(data));
        receiver.sync().ready().get(5, TimeUnit.SECONDS);

        Map<String, Object> input = data(7);
        Map<String, Object> result = new LinkedHashMap<>(input);
        result.put("id", 7L);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("arguments", List.of(input, Map.of()));
        context.put("event", "created");
        context.put("type", "around");
        context.put("result", result);
        context.put("data", input);
        context.put("params", Map.of());
        context.put("path", "messages");
        context.put("method", "create");
        message = new SyncMessage("created", "messages", result, context, "instance-a", 1L);
        // what Node feathers-sync sends: no origin/seq, so a receiver never drops it as a duplicate
        SyncMessage node = new SyncMessage("created", "messages", result, context, null, null);
        nodeBytes = serializer.serialize(node);
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        keys = SyncKeys.signWith("bench", secret);
        if (nodeBytes.length < 400) throw new IllegalStateException("unexpectedly small message: " + new String(nodeBytes, StandardCharsets.UTF_8));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.sync().close();
        receiver.sync().close();
    }

    private static Map<String, Object> data(int n) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("text", TEXT);
        d.put("phase", "t");
        d.put("n", n);
        d.put("t", 123_456_789_012L + n);
        return d;
    }

    /** create → intercept → filter → serialize → no-op publish. */
    @Benchmark
    public Object createAndPublish() {
        return senderMessages.create(data(n++)).join();
    }

    /** JSON serialization of one message. */
    @Benchmark
    public byte[] serialize() throws Exception {
        return serializer.serialize(message);
    }

    /** bytes from the adapter → decode → rebuild → listener. */
    @Benchmark
    public void receiveAndDispatch() {
        receiverAdapter.receive(nodeBytes);
    }

    /** Sealing one message with HMAC-SHA-256 and verifying it: the signed bus's cost per message. */
    @Benchmark
    public byte[] signAndVerify() throws Exception {
        return keys.open(keys.seal(nodeBytes));
    }

    /** JSON decoding of one message. */
    @Benchmark
    public SyncMessage deserialize() throws Exception {
        return serializer.deserialize(nodeBytes);
    }
}
