package org.feathers4j.server.internal;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.MultiTypeArgs;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.TransportState;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.Packet;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.channels.Broadcaster;
import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.NotFound;
import org.feathers4j.errors.TooManyRequests;
import org.feathers4j.errors.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Feathers socket protocol on a netty-socketio server: one listener per method, so surplus
 * arguments can be rejected; calls run on the executor (never on a Netty event loop); acks are
 * manual and sent when the call completes. Each connection has at most
 * {@link FlowLimits#maxCallsInFlight()} calls in flight (and optionally a rate limit): beyond them
 * a call is answered at once with {@code TooManyRequests}. Events to a slow client are dropped
 * (see {@link SocketConnection#send}).
 */
public final class SocketTransport {

    /** {@code params.provider} of socket calls. */
    public static final String PROVIDER = "socketio";

    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);
    private static final String CONNECTION = "feathers4j.connection";

    private final Application app;
    private final Channels channels;
    private final Executor executor;
    private final ObjectMapper json;
    private final FlowLimits limits;
    private final ServerCounters counters;
    private final SocketEventBroadcaster broadcaster;

    /**
     * @param json converts results and event data to JSON trees when they are sent: the library
     *             encodes packets later, on its own thread and in batches, so a snapshot keeps
     *             later changes to the objects out, and an object that cannot be written fails
     *             here, for that message only, instead of inside a batch
     * @param packetEncoder the started server's packet encoder (null before), with which an event
     *                      is encoded once for all the connections that get the same data
     * @param perMessageDeflate whether websocket frames are compressed (then each connection's are its own)
     * @param maxFramePayload   the library splits larger websocket frames
     */
    public SocketTransport(Application app, Channels channels, Executor executor, ObjectMapper json,
                           FlowLimits limits, ServerCounters counters,
                           Supplier<FeathersPacketEncoder> packetEncoder, boolean perMessageDeflate, int maxFramePayload) {
        this.app = app;
        this.channels = channels;
        this.executor = executor;
        this.json = json;
        this.limits = limits;
        this.counters = counters;
        this.broadcaster = new SocketEventBroadcaster(json, packetEncoder, counters, !perMessageDeflate, maxFramePayload);
    }

    /** Open Socket.IO connections by transport ({@code "websocket"}, {@code "polling"}). */
    public Map<String, Long> connectionsByTransport() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("websocket", 0L);
        out.put("polling", 0L);
        for (Connection c : channels.connections()) {
            if (c instanceof SocketConnection sc && sc.transport() != null) {
                out.merge(sc.transport() == Transport.WEBSOCKET ? "websocket" : "polling", 1L, Long::sum);
            }
        }
        return out;
    }

    /** Registers the connect/disconnect listeners and one listener per method. */
    public void install(SocketIOServer server) {
        server.addConnectListener(client -> {
            SocketConnection c = new SocketConnection(client, json, limits, counters, broadcaster);
            client.set(CONNECTION, c);
            channels.connect(c);
        });
        server.addDisconnectListener(client -> {
            Object c = client.get(CONNECTION);
            if (c instanceof SocketConnection conn) {
                conn.open = false;
                long dropped = conn.droppedEvents();
                if (dropped > 0) LOG.info("socket {} disconnected; {} events were dropped while it was slow", conn.id(), dropped);
                channels.disconnect(conn);
            }
        });
        for (Method m : Method.values()) {
            // path + the method's arguments + one more, to notice surplus arguments
            int declared = 1 + argCount(m) + 1;
            Class<?>[] types = new Class<?>[declared];
            java.util.Arrays.fill(types, Object.class);
            server.addMultiTypeEventListener(m.methodName(),
                    (client, args, ack) -> onCall(m, client, args, ack), types);
        }
    }

    /** Arguments after the path: find(query), get(id, query), create(data, query), update/patch(id, data, query), remove(id, query). */
    static int argCount(Method m) {
        return (m.takesId() ? 1 : 0) + (m.takesData() ? 1 : 0) + 1;
    }

    private void onCall(Method m, SocketIOClient client, MultiTypeArgs args, AckRequest ack) {
        SocketConnection conn = client.get(CONNECTION) instanceof SocketConnection c ? c : null;
        if (conn != null && !conn.tryAcquireRate()) {
            counters.callsRateLimited.incrementAndGet();
            reply(ack, InFlight.NONE, null, null, new TooManyRequests("too many calls on this connection (more than "
                    + limits.maxCallsPerSecond() + " per second)"));
            return;
        }
        if (conn != null && !conn.tryAcquireCall()) {
            counters.callsRejected.incrementAndGet();
            reply(ack, InFlight.NONE, null, null, new TooManyRequests("too many calls in flight on this connection ("
                    + limits.maxCallsInFlight() + ")"));
            return;
        }
        // the slot is given back exactly once, by reply(), just before the answer is handed to the library
        InFlight slot = conn == null ? InFlight.NONE : new InFlight(conn);
        try {
            executor.execute(() -> call(m, client, args.getArgs(), ack, slot));
        } catch (RejectedExecutionException e) {
            reply(ack, slot, null, null, new Unavailable("The server is shutting down"));
        }
    }

    /** A connection's in-flight slot held by one call. */
    private static final class InFlight {
        static final InFlight NONE = new InFlight(null);
        private final SocketConnection conn;
        private final AtomicBoolean released = new AtomicBoolean();

        InFlight(SocketConnection conn) {
            this.conn = conn;
        }

        void release() {
            if (conn != null && released.compareAndSet(false, true)) conn.releaseCall();
        }
    }

    private void call(Method m, SocketIOClient client, List<Object> args, AckRequest ack, InFlight slot) {
        try {
            if (args.isEmpty() || !(args.get(0) instanceof String path)) {
                throw new BadRequest("The first argument of '" + m.methodName() + "' must be the service path");
            }
            if (args.size() > 1 + argCount(m)) {
                throw new BadRequest("Too many arguments for '" + m.methodName() + "' method");
            }
            AppService service = app.lookup(path)
                    .orElseThrow(() -> new NotFound("Service '" + Application.normalize(path) + "' not found"));
            int i = 1;
            Object id = m.takesId() ? arg(args, i++) : null;
            Object data = m.takesData() ? arg(args, i++) : null;
            Object query = arg(args, i);
            if (query != null && !(query instanceof Map<?, ?>)) throw new BadRequest("The query must be an object");
            Object connection = client.get(CONNECTION);
            Params params = new Params().provider(PROVIDER).query(asQuery(query));
            params.connection(connection);
            if (connection instanceof Connection c) params.headers(c.headers());
            service.call(m, id, data, params).whenComplete((result, error) ->
                    reply(ack, slot, new Call(m, service.path(), id), result, error));
        } catch (RuntimeException e) {
            reply(ack, slot, null, null, e);
        }
    }

    /** The error JSON as a tree; without {@code data}/{@code errors} if those cannot be written. */
    private JsonNode errorTree(FeathersError fe) {
        try {
            return json.valueToTree(fe.toJson());
        } catch (IllegalArgumentException e) {
            Map<String, Object> plain = new LinkedHashMap<>(fe.toJson());
            plain.remove("data");
            plain.remove("errors");
            return json.valueToTree(plain);
        }
    }

    private static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asQuery(Object q) {
        return q == null ? new LinkedHashMap<>() : (Map<String, Object>) q;
    }

    /** What a completed call was, for the error when its result cannot be written. */
    private record Call(Method method, String path, Object id) {
    }

    /**
     * Acks {@code (null, result)} or {@code (errorJSON)}; a result that cannot be written acks an
     * error saying the call succeeded ({@code call} is then known: only completed calls have results).
     */
    private void reply(AckRequest ack, InFlight slot, Call call, Object result, Throwable error) {
        // the slot first: a client that has its answer must find it free (and callsInFlight agree with it)
        slot.release();
        answer(ack, call, result, error);
    }

    private void answer(AckRequest ack, Call call, Object result, Throwable error) {
        if (error != null) {
            FeathersError fe = FeathersError.convert(error);
            if (fe.code() >= 500) LOG.warn("A socket call failed: {}", fe.toString(), FeathersError.unwrap(error));
            if (ack.isAckRequested()) ack.sendAckData(errorTree(fe));
            return;
        }
        if (!ack.isAckRequested()) return;
        JsonNode tree;
        try {
            tree = json.valueToTree(result);
        } catch (RuntimeException e) { // IllegalArgumentException, or a getter's own when WRAP_EXCEPTIONS is off
            ack.sendAckData(errorTree(UnwritableResult.error(LOG, call.method(), call.path(), call.id(), e)));
            return;
        }
        ack.sendAckData(null, tree);
    }

    /**
     * A Socket.IO client as a channels {@link Connection}, with its flow-control state: events are
     * dropped (and counted) while the client is slow, calls are counted in flight and rate-limited.
     */
    static final class SocketConnection extends Connection {
        private final SocketIOClient client;
        private final ClientHead head;
        /** The head's websocket state (its channel once bound), null if unknown. */
        private final TransportState websocket;
        private final boolean sharesPackets;
        private final SocketEventBroadcaster broadcaster;
        /** The websocket frame encoder's place in the pipeline, found once; only touched on the channel's loop. */
        private ChannelHandlerContext frameEncoder;
        private final ObjectMapper json;
        private final FlowLimits limits;
        private final ServerCounters counters;
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicBoolean warnedCalls = new AtomicBoolean();
        private final AtomicBoolean slowDisconnected = new AtomicBoolean();
        /** When the current run of dropped events began (nanoTime), 0 while events go out. */
        private volatile long slowSince;
        /** Token bucket of the rate limit; guarded by this. */
        private double tokens;
        private long refilledAt = System.nanoTime();
        /**
         * Until the disconnect listener runs. Not {@code client.isChannelOpen()}: over long-polling
         * there is no open channel between two polls, yet packets sent then are queued and delivered.
         */
        volatile boolean open = true;

        SocketConnection(SocketIOClient client, ObjectMapper json, FlowLimits limits, ServerCounters counters,
                         SocketEventBroadcaster broadcaster) {
            super(client.getSessionId().toString(), PROVIDER, headersOf(client));
            this.client = client;
            this.head = headOf(client);
            this.websocket = LibraryAccess.websocketState(head);
            // the shared packets are encoded for the default namespace, the only one Feathers uses
            this.sharesPackets = head != null && Namespace.DEFAULT_NAME.equals(client.getNamespace().getName());
            this.broadcaster = broadcaster;
            this.json = json;
            this.limits = limits;
            this.counters = counters;
            this.tokens = limits.maxCallsPerSecond();
        }

        /**
         * The library's per-session client (transport, queue, writability). By reflection: its
         * {@code NamespaceClient} is in a package the library's module does not export. Without it
         * events are never dropped (as before), which the debug line says.
         */
        private static ClientHead headOf(SocketIOClient client) {
            ClientHead h = LibraryAccess.head(client);
            if (h == null) LOG.debug("No ClientHead for socket {}: slow-client checks are off for it", client.getSessionId());
            return h;
        }

        private static Map<String, Object> headersOf(SocketIOClient client) {
            Map<String, Object> h = new LinkedHashMap<>();
            var headers = client.getHandshakeData().getHttpHeaders();
            for (String name : headers.names()) h.put(name.toLowerCase(java.util.Locale.ROOT), headers.get(name));
            return h;
        }

        /**
         * Hands the event to netty-socketio, unless the client is slow: its websocket's outbound
         * buffer is above the high water mark, or {@link FlowLimits#maxQueuedEvents()} packets wait
         * in the library's queue (a polling client between polls, or an event loop behind). Then
         * the event is dropped and counted; a polling client slow for longer than the grace period
         * is disconnected here (websocket ones by {@link SlowClientGuard}, which can close the
         * channel). Never blocks: it runs on whatever thread emitted, e.g. sync's delivery thread.
         */
        @Override
        public void send(String event, Object data) {
            if (!admit()) return;
            sendTree(event, json.valueToTree(data));
            counters.eventsSent.incrementAndGet();
        }

        /** Sends the events of a group this connection is in: see {@link SocketEventBroadcaster}. */
        @Override
        public Broadcaster broadcaster() {
            return broadcaster;
        }

        /** Hands an event (its data a JSON tree already) to the library, for this connection alone. */
        void sendTree(String event, JsonNode tree) {
            client.sendEvent(event, tree);
        }

        /**
         * Whether an event may go out to this client now; if not (it is slow), the event is counted
         * as dropped, and a polling client slow for too long is disconnected. Never blocks.
         */
        boolean admit() {
            if (isSlow()) {
                dropped.incrementAndGet();
                counters.eventsDroppedSlowClient.incrementAndGet();
                long since = slowSince;
                long now = System.nanoTime();
                if (since == 0) {
                    slowSince = now;
                } else if (limits.slowClientGraceMs() > 0 && transport() == Transport.POLLING
                        && now - since > limits.slowClientGraceMs() * 1_000_000L
                        && slowDisconnected.compareAndSet(false, true)) {
                    counters.slowClientsDisconnected.incrementAndGet();
                    LOG.warn("socket {}: {} events queued for longer than {} ms (the polling client does not poll); disconnecting it",
                            id(), limits.maxQueuedEvents(), limits.slowClientGraceMs());
                    client.disconnect();
                }
                return false;
            }
            slowSince = 0;
            return true;
        }

        ClientHead head() {
            return head;
        }

        /** Whether shared, encoded-once packets can go into this client's queue. */
        boolean sharesPackets() {
            return sharesPackets;
        }

        /**
         * Where a shared, ready-made websocket frame goes in (the frame encoder's context, so the
         * write passes on to the socket), or null if this connection must get the event through
         * its queue: not on websocket (or not on this thread's channel), or something of its own
         * waits in the queue and must go first. On the channel's event loop only.
         */
        ChannelHandlerContext frameEncoderContext() {
            io.netty.channel.Channel ch = websocketChannel();
            if (ch == null || !ch.eventLoop().inEventLoop() || !head.getPacketsQueue(Transport.WEBSOCKET).isEmpty()) {
                return null;
            }
            ChannelHandlerContext ctx = frameEncoder;
            if (ctx == null || ctx.channel() != ch || ctx.isRemoved()) {
                ctx = ch.pipeline().context(WebSocketFrameEncoder.class);
                frameEncoder = ctx;
            }
            return ctx;
        }

        /** The websocket channel while it is the transport in use, else null (polling, or not bound yet). */
        io.netty.channel.Channel websocketChannel() {
            if (websocket == null || head.getCurrentTransport() != Transport.WEBSOCKET) return null;
            return websocket.getChannel();
        }

        private boolean isSlow() {
            if (head == null) return false;
            Transport t = head.getCurrentTransport();
            // a polling client has no channel between polls: only its queue says it is behind
            if (t == Transport.WEBSOCKET && !head.isWritable()) return true;
            Queue<Packet> queue = head.getPacketsQueue(t);
            return queue != null && atLeast(queue, limits.maxQueuedEvents());
        }

        /** Whether the queue holds {@code n} packets; O(n) at most, unlike {@code size()} of an unbounded one. */
        private static boolean atLeast(Queue<Packet> queue, int n) {
            int seen = 0;
            for (Packet ignored : queue) {
                if (++seen >= n) return true;
            }
            return false;
        }

        /** The transport in use, {@code null} if unknown. */
        Transport transport() {
            return head == null ? null : head.getCurrentTransport();
        }

        /** Events dropped for this connection while it was slow. */
        long droppedEvents() {
            return dropped.get();
        }

        /** Takes an in-flight slot, or returns false (and warns once per connection) if none is left. */
        boolean tryAcquireCall() {
            if (inFlight.incrementAndGet() > limits.maxCallsInFlight()) {
                inFlight.decrementAndGet();
                if (warnedCalls.compareAndSet(false, true)) {
                    LOG.warn("socket {}: more than {} calls in flight; the surplus is answered TooManyRequests",
                            id(), limits.maxCallsInFlight());
                }
                return false;
            }
            counters.callsInFlight.incrementAndGet();
            return true;
        }

        void releaseCall() {
            inFlight.decrementAndGet();
            counters.callsInFlight.decrementAndGet();
        }

        /** Whether the rate limit lets one more call through now (always, when it is off). */
        synchronized boolean tryAcquireRate() {
            int rate = limits.maxCallsPerSecond();
            if (rate <= 0) return true;
            long now = System.nanoTime();
            tokens = Math.min(rate, tokens + (now - refilledAt) / 1e9 * rate);
            refilledAt = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            client.disconnect();
        }
    }
}
