package org.feathers4j.sync.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.EventInterceptor;
import org.feathers4j.HookContext;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.SyncStatus;
import org.feathers4j.hooks.HookType;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncMessage;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.SyncAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of sync. Outgoing: intercepts every standard and declared custom service event,
 * serializes it with the next sequence number and emits {@code sync-out} with the bytes (which
 * the adapter publishes). Incoming: takes {@code sync-in} bytes, checks size, shape, service path
 * and sequence, rebuilds the context locally and emits the event on the local service.
 */
public final class SyncEngine implements SyncStatus, EventInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    private final Application app;
    private final SyncOptions options;
    private final String type;
    private final SyncAdapter adapter; // null for an event-based custom adapter
    private final CompletableFuture<Void> customReady;
    private final Object sendLock = new Object();
    private final Object receiveLock = new Object();
    private final OriginTracker tracker;
    private final BusAuth auth; // null on an unsigned bus
    private final String origin; // <instanceId>~<epoch>: each boot numbers its messages afresh
    private final int sendLimit; // maxMessageBytes less what the envelope adds
    private long seq;
    private volatile boolean closed;
    /** tracker.gaps() as of the last message: counters() must not wait for receiveLock, held while listeners run. */
    private volatile long gaps;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendFailed = new AtomicLong();
    private final AtomicLong notSerializable = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    // timing for metrics: publish (taken by the broker) and own echo (back from the broker), count and total nanos
    private final java.util.concurrent.atomic.LongAdder publishTimed = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder publishNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder echoTimed = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder echoNanos = new java.util.concurrent.atomic.LongAdder();
    /** Send times of the last ECHO_SLOTS own messages by seq; an echo later than that is not timed. */
    private static final int ECHO_SLOTS = 4096;
    private final long[] sentSeq = new long[ECHO_SLOTS];
    private final long[] sentAtNanos = new long[ECHO_SLOTS];
    private final AtomicLong seqJumps = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesRefused = new AtomicLong();   // a frame while acceptFrames is off
    private final AtomicLong framesOversized = new AtomicLong(); // a frame over the send limits
    private final AtomicLong undeclaredEvents = new AtomicLong();
    private final AtomicLong gapEvents = new AtomicLong();
    private final AtomicLong ownEchoesSkipped = new AtomicLong(); // localFirst: own events already delivered
    private final Batcher batcher; // null unless options.batch()

    private SyncEngine(Application app, SyncOptions options, String type, SyncAdapter adapter,
                       CompletableFuture<Void> customReady) {
        if (options.resume() == SyncOptions.Resume.LAST && !options.instanceIdFixed()) {
            throw new IllegalArgumentException("sync resume=LAST needs a fixed instanceId (SyncOptions.instanceId(...)): "
                    + "it resumes where that id stopped, and a random id never stopped anywhere");
        }
        this.app = app;
        this.options = options;
        this.type = type;
        this.adapter = adapter;
        this.customReady = customReady;
        this.auth = options.signing() == null ? null : new BusAuth(options.signing());
        this.tracker = new OriginTracker(auth != null); // signed: nobody else can write our origin
        this.origin = options.instanceId() + "~" + newEpoch();
        this.sendLimit = options.maxMessageBytes() - (auth == null ? 0 : auth.overhead());
        this.batcher = adapter != null && options.batch()
                ? new Batcher(auth == null ? adapter : auth.sealing(adapter), Math.min(sendLimit, MAX_FRAME_BYTES),
                        MAX_FRAME_MESSAGES, 1, this::published)
                : null;
    }

    /**
     * A boot id: the start time in base 36 and 32 random bits, so that an instance restarted with a
     * fixed {@code instanceId} starts a sequence of its own rather than one below its old numbers.
     */
    private static String newEpoch() {
        return Long.toString(System.currentTimeMillis(), 36) + "." + Integer.toUnsignedString(EPOCH_RANDOM.nextInt(), 36);
    }

    private static final java.security.SecureRandom EPOCH_RANDOM = new java.security.SecureRandom();

    /** The largest batch frame sent: big enough to amortise a publish, small enough not to stall a receiver. */
    static final int MAX_FRAME_BYTES = 128 * 1024;

    /** The most messages in one batch frame. */
    static final int MAX_FRAME_MESSAGES = 512;

    /**
     * Installs sync on an app with an SPI adapter: the engine publishes through the adapter and the
     * adapter hands what it receives straight to the engine (no application events in between, so
     * application code cannot inject bus messages nor see them).
     */
    public static SyncEngine install(Application app, SyncOptions options, SyncAdapter adapter) {
        SyncEngine engine = new SyncEngine(app, options, adapter.type(), adapter, null);
        engine.register();
        adapter.start(new SyncAdapter.MessageHandler() {
            @Override
            public void onMessage(byte[] message) {
                engine.receive(message);
            }

            @Override
            public void onGap(SyncGap gap) {
                engine.gap(gap);
            }
        });
        return engine;
    }

    /**
     * Installs sync on an app whose adapter works with application events (the seed's custom-adapter
     * way, {@link Sync#viaEvents}): the engine emits {@code sync-out} with the bytes to publish and
     * handles what the adapter emits as {@code sync-in}.
     */
    public static SyncEngine installEventBased(Application app, SyncOptions options, String type,
                                               CompletableFuture<Void> ready) {
        SyncEngine engine = new SyncEngine(app, options, type, null, ready);
        engine.register();
        app.on(Sync.SYNC_IN, args -> {
            if (args.length > 0) engine.receive(args[0]);
        });
        return engine;
    }

    private void register() {
        app.sync(this);
        app.mixin(service -> service.interceptEvents(this));
    }

    /** The options this engine runs with. */
    public SyncOptions options() {
        return options;
    }

    // ---- outgoing ------------------------------------------------------------------------

    @Override
    public boolean intercept(AppService service, String event, Object data, HookContext ctx) {
        if (closed || ctx.isFromSync()) return false;
        if (Boolean.FALSE.equals(ctx.get(Sync.SYNC)) || Boolean.FALSE.equals(ctx.params().get(Sync.SYNC))) return false;
        if (adapter != null && adapter.state() == SyncState.FAILED) return false; // deliver locally rather than lose it
        Map<String, Object> wireContext;
        try {
            wireContext = options.contextFilter().toWire(ctx);
        } catch (RuntimeException e) {
            return notSent(service, event, "its context could not be filtered", e);
        }
        byte[] bytes;
        synchronized (sendLock) {
            long next = seq + 1;
            try {
                bytes = options.serializer().serialize(
                        new SyncMessage(event, service.path(), data, wireContext, origin, next));
            } catch (Exception | StackOverflowError e) {
                return notSent(service, event, "it could not be serialized", e);
            }
            if (bytes.length > sendLimit) {
                return notSent(service, event, "it is " + bytes.length + " bytes, over maxMessageBytes "
                        + options.maxMessageBytes() + (auth == null ? "" : " less the signature envelope"), null);
            }
            seq = next;
            int slot = (int) (next % ECHO_SLOTS);
            synchronized (sentSeq) {
                sentSeq[slot] = next;
                sentAtNanos[slot] = System.nanoTime();
            }
            if (adapter != null) publish(bytes); // under the lock: the adapter sees this instance's order
            else app.emit(Sync.SYNC_OUT, (Object) (auth == null ? bytes : auth.seal(bytes)));
        }
        if (adapter == null) sent.incrementAndGet(); // an event-based adapter publishes on its own
        return !options.localFirst(); // local first: emitted here now, its echo is skipped
    }

    private boolean notSent(AppService service, String event, String why, Throwable e) {
        notSerializable.incrementAndGet();
        LOG.error("sync: '{} {}' was not sent to other instances because {}; emitted on this instance only",
                service.path(), event, why, e);
        return false;
    }

    private void publish(byte[] bytes) {
        if (batcher != null) {
            batcher.offer(bytes);
            return;
        }
        long start = System.nanoTime();
        adapter.publish(auth == null ? bytes : auth.seal(bytes)).whenComplete((v, e) -> {
            if (e == null) {
                publishTimed.increment();
                publishNanos.add(System.nanoTime() - start);
            }
            published(1, e);
        });
    }

    private void published(int messages, Throwable e) {
        if (e == null) {
            sent.addAndGet(messages);
            if (messages > 1) framesSent.incrementAndGet();
        } else {
            long before = sendFailed.getAndAdd(messages);
            long n = before + messages;
            if (before == 0 || before / 1000 != n / 1000) {
                LOG.warn("sync: {} message(s) could not be published so far; last: {}", n, e.getMessage());
            }
        }
    }

    // ---- incoming ------------------------------------------------------------------------

    /** Handles one incoming message (bytes, or a String for event-based adapters); never throws. */
    public void receive(Object payload) {
        try {
            synchronized (receiveLock) {
                try {
                    receiveLocked(payload);
                } finally {
                    gaps = tracker.gaps();
                }
            }
        } catch (RuntimeException e) {
            drop("a listener or the context rebuild failed: " + e, payload instanceof byte[] b ? b : null, e);
        }
    }

    private void receiveLocked(Object payload) {
        byte[] bytes;
        if (payload instanceof byte[] b) bytes = b;
        else if (payload instanceof String s) bytes = s.getBytes(StandardCharsets.UTF_8);
        else {
            drop("payload is a " + (payload == null ? "null" : payload.getClass().getName()) + ", not bytes", null, null);
            return;
        }
        if (bytes.length > options.maxMessageBytes()) {
            drop("it is " + bytes.length + " bytes, over maxMessageBytes " + options.maxMessageBytes(), null, null);
            return;
        }
        if (auth != null) {
            bytes = auth.open(bytes); // a frame is signed as a whole, so this comes before unpacking it
            if (bytes == null) return;
        }
        if (BatchFrame.isFrame(bytes)) {
            if (!options.acceptFrames()) {
                framesRefused.incrementAndGet();
                drop("it is a batch frame and acceptFrames is off", bytes, null);
                return;
            }
            // a frame is bounded on receive as on send; one over the bounds is dropped whole, never in part
            if (bytes.length > MAX_FRAME_BYTES) {
                framesOversized.incrementAndGet();
                drop("it is a batch frame of " + bytes.length + " bytes, over the frame limit of " + MAX_FRAME_BYTES, bytes, null);
                return;
            }
            List<byte[]> messages;
            try {
                messages = BatchFrame.decode(bytes, MAX_FRAME_MESSAGES);
            } catch (BatchFrame.TooManyMessages e) {
                framesOversized.incrementAndGet();
                drop(e.getMessage(), bytes, null);
                return;
            } catch (IllegalArgumentException e) {
                drop(e.getMessage(), bytes, null);
                return;
            }
            framesReceived.incrementAndGet();
            for (byte[] m : messages) {
                try {
                    receiveOne(m);
                } catch (RuntimeException e) {
                    // one message's failure must not lose the rest of its frame
                    drop("a listener or the context rebuild failed: " + e, m, e);
                }
            }
            return;
        }
        receiveOne(bytes);
    }

    private void receiveOne(byte[] bytes) {
        SyncMessage m;
        try {
            m = options.serializer().deserialize(bytes);
        } catch (Exception | StackOverflowError e) {
            drop("it could not be decoded: " + e.getMessage(), bytes, null);
            return;
        }
        if (m == null || m.event() == null || m.path() == null) {
            drop("it has no event or path", bytes, null);
            return;
        }
        AppService service = app.lookup(m.path()).orElse(null);
        if (service == null) {
            drop("no service at path '" + m.path() + "' on this instance", bytes, null);
            return;
        }
        if (!service.events().contains(m.event())) {
            // only what the service could have raised itself: the standard events and its declared custom ones
            undeclaredEvents.incrementAndGet();
            drop("service '" + m.path() + "' declares no event '" + printable(m.event()) + "'", bytes, null);
            return;
        }
        if (m.origin() != null && m.seq() != null) {
            OriginTracker.Verdict v = tracker.check(m.origin(), m.seq());
            if (v == OriginTracker.Verdict.DUPLICATE) {
                duplicates.incrementAndGet();
                return;
            }
            if (v == OriginTracker.Verdict.LATE) late.incrementAndGet();
            if (v == OriginTracker.Verdict.JUMP) jumped(m);
            if (tracker.skippedFirst() > 0) seqGap(m.origin(), tracker.skippedFirst(), tracker.skippedLast());
            if (origin.equals(m.origin())) {
                timeEcho(m.seq());
                if (options.localFirst()) {
                    ownEchoesSkipped.incrementAndGet(); // emitted here when it happened
                    return;
                }
            }
        }
        HookContext ctx = rebuild(service, m);
        received.incrementAndGet();
        service.emitLocal(m.event(), m.data(), ctx);
    }

    private void jumped(SyncMessage m) {
        long n = seqJumps.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) {
            String o = m.origin().length() > 80 ? m.origin().substring(0, 80) + "…" : m.origin();
            LOG.warn("sync: a message from origin '{}' has seq {}, more than {} away from the highest seen: delivered, "
                    + "but the duplicate window stays (on an unsigned bus this may be forged); {} so far (seqJumps)",
                    o.replaceAll("[^\\x20-\\x7e]", "?"), m.seq(), OriginTracker.WINDOW, n);
        }
    }

    private void seqGap(String from, long first, long last) {
        long missed = last - first + 1;
        String o = from.length() > 80 ? from.substring(0, 80) + "…" : from;
        gap(new SyncGap(SyncGap.Reason.SEQ_GAP, from, first, last, missed,
                missed + " message(s) from origin '" + o.replaceAll("[^\\x20-\\x7e]", "?") + "' never arrived (seq "
                        + first + (missed > 1 ? ".." + last : "") + ")"));
    }

    /**
     * Emits a gap to the application ({@link Sync#SYNC_GAP}) and counts it; never throws. Called on the
     * delivery thread (in order with the messages), by the engine or through the adapter's handler.
     */
    void gap(SyncGap g) {
        long n = gapEvents.incrementAndGet();
        if (n <= 100 || n % 1000 == 0) {
            LOG.warn("sync: events were missed ({}): {}; {} sync-gap event(s) so far", g.reason(), g.detail(), n);
        }
        try {
            synchronized (receiveLock) {
                app.emit(Sync.SYNC_GAP, g);
            }
        } catch (RuntimeException e) {
            LOG.error("sync: a sync-gap listener failed", e);
        }
    }

    /** Times the round trip of one of this instance's own messages through the broker. */
    private void timeEcho(long seqNumber) {
        int slot = (int) Math.floorMod(seqNumber, (long) ECHO_SLOTS);
        long sentAt;
        synchronized (sentSeq) {
            if (sentSeq[slot] != seqNumber) return;
            sentAt = sentAtNanos[slot];
            sentSeq[slot] = 0;
        }
        echoTimed.increment();
        echoNanos.add(System.nanoTime() - sentAt);
    }

    private void drop(String why, byte[] bytes, Throwable e) {
        long n = dropped.incrementAndGet();
        // the content may hold user data: only its size at WARN, its first bytes at DEBUG
        String size = bytes == null ? "" : " (" + bytes.length + " bytes)";
        if (n <= 100 || n % 1000 == 0) LOG.warn("sync: dropped an incoming message because {}{}; {} dropped so far", why, size, n, e);
        if (bytes != null && LOG.isDebugEnabled()) LOG.debug("sync: first bytes of the dropped message: {}", preview(bytes));
    }

    /** A name from the bus, fit for a log line: at most 64 characters, control characters replaced. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 64) + 1);
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > 64) sb.append('…');
        return sb.toString();
    }

    private static String preview(byte[] bytes) {
        int n = Math.min(bytes.length, 80);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private HookContext rebuild(AppService service, SyncMessage m) {
        Map<String, Object> c = m.context() == null ? Map.of() : m.context();
        Method method = c.get("method") instanceof String s ? Method.byName(s) : null;
        Params params = new Params();
        if (c.get("params") instanceof Map<?, ?> p) {
            for (Map.Entry<?, ?> e : ((Map<Object, Object>) p).entrySet()) {
                String k = String.valueOf(e.getKey());
                Object v = e.getValue();
                switch (k) {
                    case "query" -> params.query(v instanceof Map<?, ?> q ? (Map<String, Object>) q : null);
                    case "provider" -> params.provider(v == null ? null : String.valueOf(v));
                    case "route" -> params.route(v instanceof Map<?, ?> r ? (Map<String, Object>) r : null);
                    case "headers" -> params.headers(v instanceof Map<?, ?> h ? (Map<String, Object>) h : null);
                    case "user" -> params.user(v);
                    case "authentication" -> params.authentication(v);
                    case "connection" -> { } // a connection belongs to the instance that has it
                    default -> params.set(k, v);
                }
            }
        }
        HookContext ctx = new HookContext(app, service, method, params);
        ctx.fromSync(true);
        ctx.type(typeOf(c.get("type")));
        ctx.id(c.get("id"));
        ctx.data(c.get("data"));
        if (c.containsKey("result")) ctx.result(c.get("result"));
        ctx.dispatch(c.get("dispatch"));
        ctx.event(m.event());
        return ctx;
    }

    private static HookType typeOf(Object t) {
        if (t instanceof String s) {
            for (HookType h : HookType.values()) if (h.typeName().equals(s)) return h;
        }
        return HookType.AFTER;
    }

    // ---- status --------------------------------------------------------------------------

    @Override
    public String type() {
        return type;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return adapter != null ? adapter.ready() : customReady;
    }

    @Override
    public SyncState state() {
        if (closed) return SyncState.CLOSED;
        if (adapter != null) return adapter.state();
        if (customReady.isCompletedExceptionally()) return SyncState.FAILED;
        return customReady.isDone() ? SyncState.CONNECTED : SyncState.CONNECTING;
    }

    @Override
    public String instanceId() {
        return options.instanceId();
    }

    @Override
    public Throwable lastError() {
        return adapter == null ? null : adapter.lastError();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("sent", sent.get());
        c.put("sendFailed", sendFailed.get());
        c.put("notSent", notSerializable.get());
        c.put("received", received.get());
        c.put("dropped", dropped.get());
        c.put("duplicates", duplicates.get());
        c.put("gaps", gaps);
        c.put("late", late.get());
        c.put("seqJumps", seqJumps.get());
        c.put("publishTimed", publishTimed.sum());
        c.put("publishNanos", publishNanos.sum());
        c.put("echoTimed", echoTimed.sum());
        c.put("echoNanos", echoNanos.sum());
        c.put("undeclaredEvents", undeclaredEvents.get());
        c.put("gapEvents", gapEvents.get());
        if (options.localFirst()) c.put("ownEchoesSkipped", ownEchoesSkipped.get());
        c.put("framesRefused", framesRefused.get());
        c.put("framesOversized", framesOversized.get());
        if (auth != null) auth.counters(c);
        if (batcher != null || framesReceived.get() > 0) {
            c.put("framesSent", framesSent.get());
            c.put("framesReceived", framesReceived.get());
            if (batcher != null) c.put("batchWaiting", (long) batcher.waiting());
        }
        if (adapter != null) c.putAll(adapter.counters());
        return c;
    }

    @Override
    public CompletableFuture<Void> close() {
        if (closed) return CompletableFuture.completedFuture(null);
        closed = true;
        for (AppService s : app.services().values()) s.interceptEvents(null);
        return adapter == null ? CompletableFuture.completedFuture(null) : adapter.close();
    }

    @Override
    public String toString() {
        return "Sync{" + type + ", " + state() + "}";
    }
}
