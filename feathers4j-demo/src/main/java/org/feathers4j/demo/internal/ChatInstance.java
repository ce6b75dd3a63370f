package org.feathers4j.demo.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.feathers4j.Application;
import org.feathers4j.BlockingService;
import org.feathers4j.HookContext;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.MethodNotAllowed;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the chat: an application with a {@code messages} service (over a memory store
 * the demo's instances share, standing in for the database the instances of a real deployment
 * share) and an {@code instance} service describing itself, syncing its events through a broker,
 * served over Socket.IO, REST and static files (the page) on one port. Every connection joins one
 * channel that receives every {@code messages} event; events created on other instances reach it
 * only through the broker.
 */
public final class ChatInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatInstance.class);

    /** Longest message text accepted, in characters. */
    public static final int MAX_TEXT = 500;

    /** Longest author name accepted, in characters. */
    public static final int MAX_NAME = 40;

    /** The channel every connection joins. */
    public static final String EVERYBODY = "everybody";

    private final String name;
    private final String host;
    private final int requestedPort;
    private final SyncOptions sync;
    private final Supplier<List<Map<String, Object>>> peers;
    private final MemoryService store;
    private final Application app = new Application();
    private volatile FeathersServer server;

    /**
     * @param name  shown on the page and stamped on the messages created here, e.g. {@code "instance 1"}
     * @param host  the interface to bind
     * @param port  the port; 0 picks a free one
     * @param sync  the sync options (broker URI, key)
     * @param peers every instance of the demo as {@code {name, url}}, for the page's links
     * @param store the messages' store (may be shared by several instances)
     */
    public ChatInstance(String name, String host, int port, SyncOptions sync, Supplier<List<Map<String, Object>>> peers,
                        MemoryService store) {
        this.name = Objects.requireNonNull(name, "name");
        this.host = Objects.requireNonNull(host, "host");
        this.requestedPort = port;
        this.sync = Objects.requireNonNull(sync, "sync");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Sets the application up and starts serving; sync connects in the background. */
    public ChatInstance start() {
        app.use("messages", store);
        app.service("messages").hooks()
                .before(Method.CREATE, this::stamp)
                .before(Method.UPDATE, ChatInstance::internalOnly)
                .before(Method.PATCH, ChatInstance::internalOnly)
                .before(Method.REMOVE, ChatInstance::internalOnly);
        app.use("instance", new BlockingService() {
            @Override
            public Object find(Params params) {
                return describe();
            }
        });
        Channels channels = Channels.of(app);
        app.on("connection", args -> channels.channel(EVERYBODY).join((Connection) args[0]));
        channels.service("messages").publish((data, ctx) -> channels.channel(EVERYBODY));
        app.configure(Sync.of(sync));
        server = FeathersServer.create(app).host(host).port(requestedPort).staticResources("public").start();
        return this;
    }

    /** The instance name. */
    public String name() { return name; }

    /** The application. */
    public Application app() { return app; }

    /** The bound port once started, else -1. */
    public int port() {
        FeathersServer s = server;
        return s == null ? -1 : s.port();
    }

    /** The URL of the page, e.g. {@code http://127.0.0.1:3031/}. */
    public String url() {
        return url(host, port());
    }

    /** The URL of a page on this host and port; {@code 0.0.0.0} and {@code ::} become {@code localhost}. */
    public static String url(String host, int port) {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        if (h.contains(":")) h = "[" + h + "]";
        return "http://" + h + ":" + port + "/";
    }

    /** What the {@code instance} service answers: name, url, sync state, peers. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("port", port());
        d.put("url", url());
        Map<String, Object> s = new LinkedHashMap<>();
        if (app.hasSync()) {
            s.put("type", app.sync().type());
            s.put("state", app.sync().state());
        }
        s.put("broker", SyncOptions.redact(sync.uri()));
        d.put("sync", s);
        d.put("peers", new ArrayList<>(peers.get()));
        return d;
    }

    /** Before create: accepts {@code {text, name?}} and stores {@code {text, name, instance, createdAt}}. */
    private void stamp(HookContext ctx) {
        if (!(ctx.data() instanceof Map<?, ?> in)) {
            throw new BadRequest("A message is an object such as {\"text\": \"Hello\"}");
        }
        if (!(in.get("text") instanceof String text) || text.isBlank()) {
            throw new BadRequest("A message needs a non-empty text");
        }
        String t = text.strip();
        if (t.length() > MAX_TEXT) throw new BadRequest("A message text has at most " + MAX_TEXT + " characters");
        Object author = in.get("name");
        if (author != null && !(author instanceof String)) throw new BadRequest("The name must be a string");
        String n = author == null || ((String) author).isBlank() ? "anonymous" : ((String) author).strip();
        if (n.length() > MAX_NAME) throw new BadRequest("A name has at most " + MAX_NAME + " characters");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("text", t);
        out.put("name", n);
        out.put("instance", name);
        out.put("createdAt", System.currentTimeMillis());
        ctx.data(out);
    }

    /** Clients may only create and read messages. */
    private static void internalOnly(HookContext ctx) {
        if (ctx.params().provider() != null) {
            throw new MethodNotAllowed("The chat only creates and reads messages");
        }
    }

    /** Stops serving and syncing; idempotent. */
    @Override
    public void close() {
        FeathersServer s = server;
        server = null;
        if (s != null) {
            s.stop();   // tears the app down too
        } else if (app.isSetUp() || app.hasSync()) {
            try {
                app.teardown().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("{}: teardown did not complete cleanly", name, e);
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + url();
    }
}
