package org.feathers4j.server;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.Application;
import org.feathers4j.channels.Channels;
import org.feathers4j.json.FeathersJson;
import org.feathers4j.server.internal.CorsAccess;
import org.feathers4j.server.internal.FeathersChannelInitializer;
import org.feathers4j.server.internal.FlowLimits;
import org.feathers4j.server.internal.JsonInput;
import org.feathers4j.server.internal.PacketGuard;
import org.feathers4j.server.internal.RestHandler;
import org.feathers4j.server.internal.ServerCounters;
import org.feathers4j.server.internal.SocketExceptionLogger;
import org.feathers4j.server.internal.SocketTransport;
import org.feathers4j.server.internal.StaticFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a feathers4j {@link Application} over Socket.IO (the Feathers socket protocol, as the
 * official {@code @feathersjs/socketio-client} speaks it), REST (Feathers' conventions, as
 * {@code @feathersjs/rest-client} speaks them) and static files, all on one port.
 *
 * <pre>{@code
 * Application app = new Application();
 * app.use("messages", new MemoryService());
 * Channels channels = Channels.of(app);
 * channels.onConnection(connection -> channels.channel("everybody").join(connection));
 * channels.publish((data, ctx) -> channels.channel("everybody"));
 * FeathersServer server = FeathersServer.create(app).port(3030).staticFiles("public").start();
 * }</pre>
 *
 * <p>Configure before {@link #start()} (a setter called while running throws
 * {@link IllegalStateException}); the setters document their defaults. {@link #stop()} also tears
 * the application down. Service calls run on
 * {@link #executor} threads, never on Netty's event loops. Events reach clients through
 * {@link Channels}: without a publisher, clients receive no events.
 */
public final class FeathersServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeathersServer.class);

    /** How long {@link #stop()} waits for the application's teardown. */
    public static final int TEARDOWN_TIMEOUT_SECONDS = 10;

    /** Default of {@link #maxJsonDepth(int)}. */
    public static final int DEFAULT_MAX_JSON_DEPTH = 64;

    /** Default of {@link #idleTimeoutMs(int)}. */
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 60_000;

    private final Application app;
    private String host = "0.0.0.0";
    private int port = 3030;
    private Set<Transport> transports = EnumSet.of(Transport.WEBSOCKET, Transport.POLLING);
    private final Set<String> corsOrigins = new LinkedHashSet<>();
    private StaticFiles statics;
    private ExecutorService executor;
    private boolean ownExecutor;
    private int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    private int maxPayloadBytes = 1024 * 1024;
    private boolean perMessageDeflate;
    private boolean httpCompression;
    private int pingIntervalMs = 25_000;
    private int pingTimeoutMs = 20_000;
    private boolean inferQueryTypes = true;
    private ObjectMapper json = FeathersJson.newObjectMapper();
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private int idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;

    // slow clients and flow control
    private int outboundBufferBytes = 1024 * 1024;
    private int maxQueuedEvents = 4096;
    private long slowClientGraceMs = 10_000;
    private int maxCallsInFlight = 64;
    private int maxCallsPerSecond;
    private final ServerCounters counters = new ServerCounters();
    private volatile SocketTransport socketTransport;

    private volatile SocketIOServer server;
    private volatile io.netty.channel.Channel listening;
    private volatile PacketGuard packetGuard;
    private volatile FeathersChannelInitializer initializer;
    private volatile int boundPort = -1;

    private FeathersServer(Application app) {
        this.app = Objects.requireNonNull(app, "app");
    }

    /** A server for this application, not started; installs {@link Channels} if needed. */
    public static FeathersServer create(Application app) {
        Channels.of(app);
        return new FeathersServer(app);
    }

    /** The interface to bind; default {@code "0.0.0.0"} (all). Use {@code "127.0.0.1"} for local only. */
    public FeathersServer host(String host) { requireNotStarted(); this.host = Objects.requireNonNull(host, "host"); return this; }

    /** The port; default 3030; 0 picks a free port (see {@link #port()} after start). */
    public FeathersServer port(int port) {
        requireNotStarted();
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        this.port = port;
        return this;
    }

    /**
     * The Socket.IO transports served; default both websocket and long-polling (with upgrade).
     * Clients asking for another transport get Engine.IO's "Transport unknown" error (HTTP 400).
     */
    public FeathersServer transports(Transport... transports) {
        requireNotStarted();
        if (transports.length == 0) throw new IllegalArgumentException("at least one transport");
        this.transports = EnumSet.copyOf(List.of(transports));
        return this;
    }

    /**
     * Origins allowed to call from browsers of other origins (CORS, for REST, static files and
     * polling), e.g. {@code "https://app.example.com"}; {@code "*"} allows any origin (reflected,
     * with credentials). Default: none, so browsers only allow same-origin pages.
     *
     * <p>The same list guards Socket.IO: a websocket upgrade or polling request whose {@code Origin}
     * is neither the server's own (its {@code Host}) nor one of these is refused with 403 before
     * the handshake (browsers apply no CORS to websockets). Requests without {@code Origin}
     * (Node, the JVM, other non-browser clients) are allowed; {@code "*"} allows every origin.
     */
    public FeathersServer corsOrigins(String... origins) {
        requireNotStarted();
        for (String o : origins) corsOrigins.add(Objects.requireNonNull(o, "origin"));
        return this;
    }

    /** Serves files from this directory for GET paths that are no service; default none. */
    public FeathersServer staticFiles(String directory) {
        requireNotStarted();
        Path p = Path.of(directory);
        if (!Files.isDirectory(p)) throw new IllegalArgumentException("not a directory: " + p.toAbsolutePath());
        this.statics = StaticFiles.directory(p);
        return this;
    }

    /** Serves classpath resources under this prefix (e.g. {@code "public"}) for GET paths that are no service. */
    public FeathersServer staticResources(String classpathPrefix) {
        requireNotStarted();
        this.statics = StaticFiles.classpath(Objects.requireNonNull(classpathPrefix, "classpathPrefix"));
        return this;
    }

    /**
     * The executor service calls run on; default a pool of {@code max(4, 2 × cores)} daemon
     * threads owned (and shut down) by this server. A given executor is not shut down by {@link #stop()}.
     */
    public FeathersServer executor(ExecutorService executor) {
        requireNotStarted();
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** Threads of the default executor; default {@code max(4, 2 × cores)}. */
    public FeathersServer threads(int threads) {
        requireNotStarted();
        if (threads < 1) throw new IllegalArgumentException("threads must be positive");
        this.threads = threads;
        return this;
    }

    /** Largest HTTP body and websocket frame accepted; default 1 MiB. */
    public FeathersServer maxPayloadBytes(int bytes) {
        requireNotStarted();
        if (bytes < 1024) throw new IllegalArgumentException("maxPayloadBytes must be at least 1024");
        this.maxPayloadBytes = bytes;
        return this;
    }

    /** Websocket per-message deflate; default off (it costs ~90 KB of native memory per connection). */
    public FeathersServer perMessageDeflate(boolean on) { requireNotStarted(); this.perMessageDeflate = on; return this; }

    /** gzip/deflate of HTTP responses (REST, static, polling); default off. */
    public FeathersServer httpCompression(boolean on) { requireNotStarted(); this.httpCompression = on; return this; }

    /** Engine.IO ping interval; default 25,000 ms (as Socket.IO). */
    public FeathersServer pingIntervalMs(int ms) { requireNotStarted(); this.pingIntervalMs = ms; return this; }

    /** Engine.IO ping timeout; default 20,000 ms (as Socket.IO). */
    public FeathersServer pingTimeoutMs(int ms) { requireNotStarted(); this.pingTimeoutMs = ms; return this; }

    /**
     * Whether REST query-string values {@code true}, {@code false}, {@code null} and plain decimal
     * numbers become those types (as the client's JSON query had them); default true. Off: all values
     * stay strings, as in Feathers' Node server.
     */
    public FeathersServer inferQueryTypes(boolean on) { requireNotStarted(); this.inferQueryTypes = on; return this; }

    /**
     * The Jackson mapper that writes REST responses and Socket.IO results and events (and reads
     * REST bodies); default {@link FeathersJson#newObjectMapper()}, the recipe sync writes with too
     * ({@code java.time} as ISO-8601 strings, {@code Optional} as its value or {@code null}). To
     * customise, start from a fresh one: {@code objectMapper(FeathersJson.newObjectMapper().registerModule(m))}.
     * A result this mapper cannot write answers a {@code GeneralError} saying the call succeeded.
     */
    public FeathersServer objectMapper(ObjectMapper mapper) { requireNotStarted(); this.json = Objects.requireNonNull(mapper); return this; }

    // ---- input limits (see the README's "Security" section) ----------------------------------------

    /**
     * Deepest nesting of arrays and objects accepted in a REST body or in a Socket.IO call's
     * arguments; default {@value #DEFAULT_MAX_JSON_DEPTH}. Deeper input is refused with
     * {@code BadRequest} (REST: 400; Socket.IO: an error ack) and never reaches a service. Keep it
     * well below Jackson's write limit of 1,000, so what was stored can be written back inside a
     * {@code find} page.
     */
    public FeathersServer maxJsonDepth(int depth) {
        requireNotStarted();
        if (depth < 2 || depth > 500) throw new IllegalArgumentException("maxJsonDepth must be between 2 and 500");
        this.maxJsonDepth = depth;
        return this;
    }

    /**
     * How long an HTTP connection may take to deliver a complete request (headers and body) after it
     * opened or after its previous answer; default {@value #DEFAULT_IDLE_TIMEOUT_MS} ms. Closes idle
     * keep-alive connections and requests that trickle in. Not applied to websockets (Engine.IO's
     * ping timeout is) nor while a request is being answered (a long-poll may wait).
     */
    public FeathersServer idleTimeoutMs(int ms) {
        requireNotStarted();
        if (ms < 100) throw new IllegalArgumentException("idleTimeoutMs must be at least 100");
        this.idleTimeoutMs = ms;
        return this;
    }

    /** Socket.IO packets refused so far as malformed or too deep (each logged at WARN, rate-limited). */
    public long refusedPackets() {
        PacketGuard g = packetGuard;
        return g == null ? 0 : g.refused();
    }

    /** Socket.IO requests refused so far for their {@code Origin} (HTTP 403). */
    public long refusedOrigins() {
        FeathersChannelInitializer i = initializer;
        return i == null ? 0 : i.refusedOrigins();
    }

    // ---- slow clients and flow control ----------------------------------------------------------

    /**
     * The outbound buffer of each websocket client, in bytes: above this (Netty's high water mark)
     * the client counts as slow: its events are dropped and counted, it is not read from, and if it
     * stays so longer than {@link #slowClientGraceMs(long)} it is disconnected. It is writable again
     * below half of it. Default 1 MiB. Also the water mark of every other channel (REST, static,
     * polling), where it only reports writability.
     */
    public FeathersServer outboundBufferBytes(int bytes) {
        requireNotStarted();
        if (bytes < 2048) throw new IllegalArgumentException("outboundBufferBytes must be at least 2048");
        this.outboundBufferBytes = bytes;
        return this;
    }

    /**
     * Events queued for one client and not yet written (polling clients: waiting for their next
     * poll; websocket clients: waiting for their event loop) above which its events are dropped and
     * counted; a polling client that stays so longer than the grace period is disconnected.
     * Default 4,096 (a polling client in a burst holds its answers and events until it polls: 1,200
     * in the burst test). For polling clients this is the bound: in packets, not bytes.
     */
    public FeathersServer maxQueuedEvents(int events) {
        requireNotStarted();
        if (events < 1) throw new IllegalArgumentException("maxQueuedEvents must be positive");
        this.maxQueuedEvents = events;
        return this;
    }

    /**
     * How long a client may stay slow (see {@link #outboundBufferBytes(int)} and
     * {@link #maxQueuedEvents(int)}) before it is disconnected; default 10,000 ms; 0 never
     * disconnects (its events are still dropped).
     */
    public FeathersServer slowClientGraceMs(long ms) {
        requireNotStarted();
        if (ms < 0) throw new IllegalArgumentException("slowClientGraceMs must not be negative");
        this.slowClientGraceMs = ms;
        return this;
    }

    /**
     * Socket.IO calls one connection may have in flight (received, not yet answered); beyond it a
     * call is answered at once with {@code TooManyRequests} (429)
     * {@code "too many calls in flight on this connection (64)"}. Default 64.
     */
    public FeathersServer maxCallsInFlight(int calls) {
        requireNotStarted();
        if (calls < 1) throw new IllegalArgumentException("maxCallsInFlight must be positive");
        this.maxCallsInFlight = calls;
        return this;
    }

    /**
     * Socket.IO calls per second one connection may make (a token bucket holding one second's
     * worth, so bursts up to that size pass); beyond it a call is answered at once with
     * {@code TooManyRequests} (429). Default 0: no limit.
     */
    public FeathersServer maxCallsPerSecond(int calls) {
        requireNotStarted();
        if (calls < 0) throw new IllegalArgumentException("maxCallsPerSecond must not be negative");
        this.maxCallsPerSecond = calls;
        return this;
    }

    /**
     * A snapshot of the flow-control counters, cumulative over this server's life (restarts
     * included) except the gauges; for metrics binders. Keys:
     * <ul>
     *   <li>{@code connections.websocket}, {@code connections.polling}: open Socket.IO connections (gauges)</li>
     *   <li>{@code eventsSent}: events handed to clients (one per client and event)</li>
     *   <li>{@code eventsDroppedSlowClient}: events not sent because their client was slow</li>
     *   <li>{@code slowClientsDisconnected}: clients disconnected for staying slow past the grace period</li>
     *   <li>{@code callsInFlight}: Socket.IO calls received and not yet answered (gauge)</li>
     *   <li>{@code callsRejected}: calls answered {@code TooManyRequests} for too many in flight</li>
     *   <li>{@code callsRateLimited}: calls answered {@code TooManyRequests} by the rate limit</li>
     *   <li>{@code http.1xx} … {@code http.5xx}: REST and static-file answers by status class</li>
     *   <li>{@code refusedPackets}, {@code refusedOrigins}: as {@link #refusedPackets()}, {@link #refusedOrigins()}</li>
     * </ul>
     *
     * @return an unmodifiable map in this order; the gauges are 0 while stopped
     */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        SocketTransport t = socketTransport;
        Map<String, Long> byTransport = t == null || server == null ? Map.of() : t.connectionsByTransport();
        m.put("connections.websocket", byTransport.getOrDefault("websocket", 0L));
        m.put("connections.polling", byTransport.getOrDefault("polling", 0L));
        m.put("eventsSent", counters.eventsSent.get());
        m.put("eventsSharedFrames", counters.eventsSharedFrames.get());
        m.put("eventsDroppedSlowClient", counters.eventsDroppedSlowClient.get());
        m.put("slowClientsDisconnected", counters.slowClientsDisconnected.get());
        m.put("callsInFlight", counters.callsInFlight.get());
        m.put("callsRejected", counters.callsRejected.get());
        m.put("callsRateLimited", counters.callsRateLimited.get());
        for (int c = 1; c <= 5; c++) m.put("http." + c + "xx", counters.httpResponses.get(c));
        m.put("refusedPackets", refusedPackets());
        m.put("refusedOrigins", refusedOrigins());
        return Collections.unmodifiableMap(m);
    }

    private void requireNotStarted() {
        if (server != null) {
            throw new IllegalStateException("the server is running: configure it before start() (or after stop())");
        }
    }

    /** The application served. */
    public Application app() { return app; }

    /** The channels of the application. */
    public Channels channels() { return Channels.of(app); }

    /**
     * Binds and starts serving; runs the application's setup first if it has not run.
     *
     * @throws IllegalStateException if already started or the port cannot be bound
     */
    public synchronized FeathersServer start() {
        if (server != null) throw new IllegalStateException("already started");
        if (!app.isSetUp()) app.setup().join();
        if (executor == null) {
            executor = defaultExecutor(threads);
            ownExecutor = true;
        }
        Configuration config = new Configuration();
        config.setHostname(host);
        config.setPort(port);
        List<com.corundumstudio.socketio.Transport> ts = new ArrayList<>();
        if (transports.contains(Transport.WEBSOCKET)) ts.add(com.corundumstudio.socketio.Transport.WEBSOCKET);
        if (transports.contains(Transport.POLLING)) ts.add(com.corundumstudio.socketio.Transport.POLLING);
        config.setTransports(ts.toArray(new com.corundumstudio.socketio.Transport[0]));
        config.setAckMode(AckMode.MANUAL);
        config.setAllowCustomRequests(true);
        config.setEnableCors(false);
        config.setWebsocketCompression(perMessageDeflate);
        config.setHttpCompression(httpCompression);
        config.setMaxHttpContentLength(maxPayloadBytes);
        config.setMaxFramePayloadLength(maxPayloadBytes);
        config.setPingInterval(pingIntervalMs);
        config.setPingTimeout(pingTimeoutMs);
        config.setRandomSession(true);
        config.setExceptionListener(new SocketExceptionLogger());
        SocketConfig socket = new SocketConfig();
        socket.setReuseAddress(true);
        socket.setTcpNoDelay(true);
        FlowLimits limits = new FlowLimits(outboundBufferBytes, maxQueuedEvents, slowClientGraceMs,
                maxCallsInFlight, maxCallsPerSecond);
        socket.setWriteBufferWaterMarkLow(limits.outboundLowWaterMarkBytes());
        socket.setWriteBufferWaterMarkHigh(limits.outboundHighWaterMarkBytes());
        config.setSocketConfig(socket);

        Channels channels = Channels.of(app);
        RestHandler rest = new RestHandler(app, executor, json, statics, inferQueryTypes,
                new JsonInput(json, maxJsonDepth), counters);
        // + 1: the packet's event array [name, path, ...args] is a level above the arguments
        PacketGuard guard = new PacketGuard(new JsonInput(json, maxJsonDepth + 1), maxJsonDepth);
        FeathersChannelInitializer init = new FeathersChannelInitializer(rest, new CorsAccess(Set.copyOf(corsOrigins)),
                guard, idleTimeoutMs, limits, counters);
        SocketIOServer s = new SocketIOServer(config);
        releaseDefaultInitializer(s);
        s.setPipelineFactory(init);
        packetGuard = guard;
        initializer = init;
        SocketTransport socketIo = new SocketTransport(app, channels, executor, json, limits, counters,
                init::packetEncoder, perMessageDeflate, maxPayloadBytes);
        socketIo.install(s);
        socketTransport = socketIo;
        io.netty.util.concurrent.Future<Void> bound = s.startAsync().awaitUninterruptibly();
        if (!bound.isSuccess()) {
            s.stop();
            shutdownExecutor();
            throw new IllegalStateException("could not bind " + host + ":" + port, bound.cause());
        }
        boundPort = bound instanceof ChannelFuture cf && cf.channel().localAddress() instanceof InetSocketAddress a
                ? a.getPort() : port;
        listening = bound instanceof ChannelFuture cf ? cf.channel() : null;
        server = s;
        LOG.info("feathers4j server listening on {}:{} (transports {}, services {})", host, boundPort, transports,
                app.services().keySet());
        return this;
    }

    /** The bound port once started (the chosen one when configured with 0), else -1. */
    public int port() { return boundPort; }

    /** Whether the server is running. */
    public boolean isRunning() { return server != null; }

    /**
     * Closes all connections and the port, shuts down the default executor, then runs the
     * application's teardown (its services', then sync's close, which sends what sync still holds),
     * waiting up to {@link #TEARDOWN_TIMEOUT_SECONDS} seconds for it; as a Feathers server closing
     * tears its app down. Idempotent: a second call, or one on a server never started, does nothing.
     */
    public synchronized void stop() {
        SocketIOServer s = server;
        server = null;
        boundPort = -1;
        if (s == null) return;
        io.netty.channel.Channel l = listening;
        listening = null;
        // free the port before anything else: stop() returns with the port closed, ready to bind again
        if (l != null) l.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        quickenShutdown(s);
        s.stop();
        shutdownExecutor();
        if (!app.isSetUp()) return;
        try {
            app.teardown().get(TEARDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while the application tore down");
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the application's teardown did not complete cleanly", e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void shutdownExecutor() {
        if (ownExecutor && executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) executor.shutdownNow();
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            executor = null;
            ownExecutor = false;
        }
    }

    /**
     * netty-socketio builds a default pipeline initializer (with a timer) that we replace; stop its
     * never-started timer so Netty does not report it as leaked. Best effort: reflection on a
     * private field of the library.
     */
    private static void releaseDefaultInitializer(SocketIOServer s) {
        try {
            java.lang.reflect.Field f = SocketIOServer.class.getDeclaredField("pipelineFactory");
            f.setAccessible(true);
            Object init = f.get(s);
            java.lang.reflect.Field sf = com.corundumstudio.socketio.SocketIOChannelInitializer.class
                    .getDeclaredField("scheduler");
            sf.setAccessible(true);
            if (sf.get(init) instanceof com.corundumstudio.socketio.scheduler.CancelableScheduler cs) cs.shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not release netty-socketio's default initializer", e);
        }
    }

    /**
     * netty-socketio's stop() shuts its two event loop groups down one after the other with Netty's
     * default 2 s quiet period each: 4 s for every stop. Starting both shutdowns first with no quiet
     * period (pending tasks still run) makes stop() return in milliseconds. Best effort: reflection
     * on private fields of the library; without it, stop() is only slower.
     */
    private static void quickenShutdown(SocketIOServer s) {
        for (String name : new String[] {"bossGroup", "workerGroup"}) {
            try {
                java.lang.reflect.Field f = SocketIOServer.class.getDeclaredField(name);
                f.setAccessible(true);
                if (f.get(s) instanceof io.netty.channel.EventLoopGroup g) g.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("Could not start netty-socketio's {} shutdown early", name, e);
            }
        }
    }

    private static ExecutorService defaultExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "feathers4j-server-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tf);
    }
}
