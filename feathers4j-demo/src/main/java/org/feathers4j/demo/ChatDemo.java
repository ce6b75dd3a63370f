package org.feathers4j.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.feathers4j.Application;
import org.feathers4j.demo.internal.ChatInstance;
import org.feathers4j.demo.internal.EmbeddedRedis;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.SyncOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feathers4j demo: a chat served by several application instances (three by default, on
 * ports 3031-3033) that sync their service events through a broker — an embedded Redis by
 * default — so a message typed on the page of one instance appears live on the pages of all.
 * The instances of one demo share one in-memory message store, standing in for the database the
 * instances of a real deployment share; what travels through the broker are the service events.
 *
 * <pre>{@code
 * try (ChatDemo demo = ChatDemo.start(DemoOptions.defaults())) {
 *     demo.urls().forEach(System.out::println);
 *     ...
 * }
 * }</pre>
 *
 * <p>Run it with {@code scripts/demo.sh} (which builds, then calls {@link #main(String[])}); see
 * {@link DemoOptions#USAGE} for the options.
 */
public final class ChatDemo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatDemo.class);

    /** The embedded Redis listens on loopback only, whatever {@link DemoOptions#host()} says: it has no password. */
    public static final String EMBEDDED_REDIS_HOST = "127.0.0.1";

    /** How long {@link #start(DemoOptions)} waits for the instances to connect to the broker. */
    public static final long SYNC_WAIT_SECONDS = 15;

    private final DemoOptions options;
    private final EmbeddedRedis redis;
    private final String syncUri;
    private final List<ChatInstance> instances;
    private final PrintStream console;
    private final Thread shutdownHook = new Thread(this::closeOnExit, "feathers4j-demo-shutdown");
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private boolean closed;

    private ChatDemo(DemoOptions options, EmbeddedRedis redis, String syncUri, List<ChatInstance> instances,
                     PrintStream console) {
        this.options = options;
        this.redis = redis;
        this.syncUri = syncUri;
        this.instances = instances;
        this.console = console;
    }

    /**
     * Starts the broker (unless {@link DemoOptions#sync()} names one) and the instances, and waits
     * up to {@value #SYNC_WAIT_SECONDS} s for them to connect to it (a broker still unreachable then
     * is logged; the instances keep trying in the background). A JVM shutdown hook closes the demo
     * if the JVM exits first (Ctrl-C): instances first, then the embedded Redis.
     *
     * @throws IllegalStateException    if the embedded Redis or an instance cannot start (e.g. port taken);
     *                                  everything started so far is stopped again
     * @throws IllegalArgumentException if no sync adapter on the classpath serves the URI's scheme
     */
    public static ChatDemo start(DemoOptions options) {
        return start(options, null);
    }

    private static ChatDemo start(DemoOptions options, PrintStream console) {
        Objects.requireNonNull(options, "options");
        EmbeddedRedis redis = options.embeddedBroker() ? EmbeddedRedis.start(EMBEDDED_REDIS_HOST, options.redisPort()) : null;
        String uri = redis != null ? redis.uri() : options.sync();
        List<ChatInstance> instances = new CopyOnWriteArrayList<>(); // pages may ask for the peers while the others start
        ChatDemo demo = new ChatDemo(options, redis, uri, Collections.unmodifiableList(instances), console);
        Runtime.getRuntime().addShutdownHook(demo.shutdownHook);
        MemoryService store = new MemoryService();
        try {
            for (int i = 0; i < options.ports().size(); i++) {
                SyncOptions sync = SyncOptions.uri(uri).key(options.key());
                ChatInstance instance = new ChatInstance("instance " + (i + 1), options.host(), options.ports().get(i),
                        sync, demo::peers, store);
                instances.add(instance);
                instance.start();
            }
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        demo.awaitSync();
        return demo;
    }

    private void awaitSync() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SYNC_WAIT_SECONDS);
        for (ChatInstance i : instances) {
            try {
                i.app().sync().ready().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("{} is not connected to {} yet ({}); it keeps trying and buffers its events meanwhile",
                        i.name(), SyncOptions.redact(syncUri), i.app().sync().state());
            }
        }
    }

    /** Every instance as {@code {name, url}}. */
    private List<Map<String, Object>> peers() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatInstance i : instances) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", i.name());
            p.put("url", i.url());
            list.add(p);
        }
        return list;
    }

    /** The options it runs with. */
    public DemoOptions options() { return options; }

    /** The URLs of the instances' pages, in port order. */
    public List<String> urls() {
        return instances.stream().map(ChatInstance::url).toList();
    }

    /** The application of instance {@code index} (0-based). */
    public Application app(int index) {
        return instances.get(index).app();
    }

    /** The number of instances. */
    public int size() {
        return instances.size();
    }

    /** The broker URI the instances sync through (with any password: use {@link SyncOptions#redact}). */
    public String syncUri() { return syncUri; }

    /** The embedded Redis port, or -1 with an external broker. */
    public int embeddedRedisPort() {
        return redis == null ? -1 : redis.port();
    }

    /** Prints what runs where. */
    public void printBanner(PrintStream out) {
        String broker = redis != null
                ? "an embedded Redis " + EmbeddedRedis.VERSION + " (" + syncUri + ")"
                : SyncOptions.redact(syncUri);
        out.println();
        out.println("feathers4j chat: " + size() + " instances syncing through " + broker);
        for (ChatInstance i : instances) {
            out.printf("  %-11s %s%n", i.name(), i.url());
        }
        out.println("Open two of them side by side and chat: each message appears live on every page.");
        out.println("Ctrl-C stops everything" + (redis != null ? ", the embedded Redis included." : "."));
        out.println();
        out.flush();
    }

    /** Stops the instances (all at once), then the embedded Redis; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ChatInstance i : instances) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    i.close();
                } catch (RuntimeException e) {
                    LOG.warn("Could not stop {}", i.name(), e);
                }
            }));
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The instances did not all stop within 30 s", e);
        }
        if (redis != null) {
            try {
                redis.close();
            } catch (RuntimeException e) {
                LOG.warn("Could not stop the embedded Redis on port {}", redis.port(), e);
            }
        }
        closedLatch.countDown();
    }

    private void closeOnExit() {
        if (console != null) console.println("Stopping the demo...");
        close();
        if (console != null) {
            console.println("Stopped.");
            console.flush();
        }
    }

    /** Waits until the demo is closed (by {@link #close()} or at JVM exit). */
    public void awaitClose() throws InterruptedException {
        closedLatch.await();
    }

    /**
     * Runs the demo until the JVM is stopped (Ctrl-C); see {@link DemoOptions#USAGE}. Exits with
     * status 2 on bad arguments and 1 when the demo cannot start.
     */
    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        ChatDemo demo;
        try {
            demo = start(options, System.out);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause();
            System.err.println("error: the demo could not start: " + e.getMessage()
                    + (cause != null && cause.getMessage() != null && !e.getMessage().contains(cause.getMessage())
                    ? " (" + cause.getMessage() + ")" : ""));
            LOG.debug("Start failure", e);
            System.exit(1);
            return;
        }
        demo.printBanner(System.out);
        try {
            demo.awaitClose(); // Ctrl-C runs the shutdown hook, which closes the demo
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
