package org.feathers4j.channels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time channels of an application, as Feathers' channels: transports report connections,
 * the application groups them into named {@link Channel}s, and publishers decide which channel
 * receives each service event.
 *
 * <pre>{@code
 * Channels channels = Channels.of(app);
 * channels.onConnection(connection -> channels.channel("everybody").join(connection));
 * channels.publish((data, ctx) -> channels.channel("everybody"));
 * }</pre>
 *
 * <p>Installed once per application ({@link #of(Application)} or {@code app.configure(Channels.plugin())});
 * a mixin listens to every event of every service ({@link AppService#events()}). With sync,
 * events reach these listeners when they come back from the broker, on every instance, so events
 * created on another instance pass through the same publishers. Without any publisher nobody
 * receives anything (as in Feathers).
 *
 * <p>Publisher lookup for an event {@code e} of service {@code s}: the service's publisher for
 * {@code e}, else the service's publisher for all events, else the application's for {@code e},
 * else the application's for all events. Each connection receives an event at most once.
 * Connections with a {@link Connection#broadcaster()} are sent each event once per group of the
 * same broadcaster and the same data (so the transport can encode it once); the others one by one.
 *
 * <p>Application events: {@code "connection"} and {@code "disconnect"} with the {@link Connection}
 * as only argument. Closed connections leave every named channel.
 */
public final class Channels {

    /** The application setting this registry is stored under. */
    public static final String SETTING = "feathers4j.channels";

    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);
    private static final String ALL = "*";

    private final Application app;
    private final Map<String, Channel> named = new ConcurrentHashMap<>();
    private final Map<String, Publisher> appPublishers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Publisher>> servicePublishers = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong publisherErrors = new AtomicLong();

    private Channels(Application app) {
        this.app = app;
    }

    /** The plugin form: {@code app.configure(Channels.plugin())}; same as {@link #of(Application)}. */
    public static Plugin plugin() {
        return Channels::of;
    }

    /** The channels of this application, installing them the first time. */
    public static Channels of(Application app) {
        Objects.requireNonNull(app, "app");
        synchronized (app) {
            Object existing = app.get(SETTING);
            if (existing instanceof Channels c) return c;
            Channels c = new Channels(app);
            app.set(SETTING, c);
            app.mixin(c::listen);
            return c;
        }
    }

    /** The application. */
    public Application app() { return app; }

    // ---- channels --------------------------------------------------------------------------

    /** The named channel, created empty the first time. */
    public Channel channel(String name) {
        Objects.requireNonNull(name, "name");
        return named.computeIfAbsent(name, Channel::new);
    }

    /** Several named channels combined into one (each connection once). */
    public Channel channel(String... names) {
        List<Channel> list = new ArrayList<>();
        for (String n : names) list.add(channel(n));
        return Channel.combine(list);
    }

    /** The names of the named channels. */
    public Set<String> channels() {
        return Set.copyOf(named.keySet());
    }

    /** The open connections, a snapshot. */
    public List<Connection> connections() {
        return new ArrayList<>(connections);
    }

    // ---- publishers --------------------------------------------------------------------------

    /** Sets the application publisher for all events (replacing any). */
    public Channels publish(Publisher publisher) {
        return publish(ALL, publisher);
    }

    /** Sets the application publisher for one event name, e.g. {@code "created"}. */
    public Channels publish(String event, Publisher publisher) {
        appPublishers.put(Objects.requireNonNull(event, "event"), Objects.requireNonNull(publisher, "publisher"));
        return this;
    }

    /** Publishers of one service: {@code channels.service("messages").publish("created", ...)}. */
    public ServicePublishers service(String path) {
        return new ServicePublishers(Application.normalize(path));
    }

    /** The publishers of one service. */
    public final class ServicePublishers {
        private final String path;

        private ServicePublishers(String path) {
            this.path = path;
        }

        /** Sets this service's publisher for all its events. */
        public ServicePublishers publish(Publisher publisher) {
            return publish(ALL, publisher);
        }

        /** Sets this service's publisher for one event. */
        public ServicePublishers publish(String event, Publisher publisher) {
            servicePublishers.computeIfAbsent(path, p -> new ConcurrentHashMap<>())
                    .put(Objects.requireNonNull(event, "event"), Objects.requireNonNull(publisher, "publisher"));
            return this;
        }
    }

    // ---- connections ------------------------------------------------------------------------

    /**
     * Calls {@code listener} with each new connection (the application event {@code "connection"},
     * typed), e.g. to join it to channels: {@code channels.onConnection(c -> channels.channel("all").join(c))}.
     */
    public Channels onConnection(Consumer<? super Connection> listener) {
        return onConnectionEvent("connection", listener);
    }

    /** Calls {@code listener} with each closed connection (the application event {@code "disconnect"}, typed). */
    public Channels onDisconnect(Consumer<? super Connection> listener) {
        return onConnectionEvent("disconnect", listener);
    }

    private Channels onConnectionEvent(String event, Consumer<? super Connection> listener) {
        Objects.requireNonNull(listener, "listener");
        app.on(event, args -> {
            if (args.length > 0 && args[0] instanceof Connection c) listener.accept(c);
        });
        return this;
    }

    /** A transport reports a new connection; emits the application event {@code "connection"}. */
    public void connect(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        connections.add(connection);
        app.emit("connection", connection);
    }

    /**
     * A transport reports a closed connection: it leaves every named channel, then the application
     * event {@code "disconnect"} is emitted.
     */
    public void disconnect(Connection connection) {
        if (connection == null || !connections.remove(connection)) return;
        for (Channel c : named.values()) c.leave(connection);
        app.emit("disconnect", connection);
    }

    /** Events sent to connections so far (one per connection and event). */
    public long sentCount() { return sent.get(); }

    /** Publishers that threw so far (their events were sent to nobody). */
    public long publisherErrorCount() { return publisherErrors.get(); }

    // ---- dispatch -------------------------------------------------------------------------------

    private void listen(AppService service) {
        for (String event : service.events()) {
            service.on(event, (data, ctx) -> dispatch(service.path(), event, data, ctx));
        }
    }

    /** Looks up the publisher and sends the event to the connections it selects. */
    void dispatch(String path, String event, Object data, HookContext ctx) {
        Publisher p = publisherFor(path, event);
        if (p == null || connections.isEmpty()) return;
        Channel channel;
        try {
            channel = p.publish(data, ctx);
        } catch (RuntimeException e) {
            publisherErrors.incrementAndGet();
            LOG.error("The publisher of '{} {}' threw; the event is sent to nobody", path, event, e);
            return;
        }
        if (channel == null) return;
        String name = path + " " + event;
        Groups groups = null;
        for (Connection c : channel.members()) {
            if (!c.isOpen()) continue;
            Object d = channel.dataFor(c, data);
            Broadcaster b = c.broadcaster();
            if (b != null) {
                if (groups == null) groups = new Groups();
                groups.add(b, d, c);
                continue;
            }
            try {
                c.send(name, d);
                sent.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.warn("Could not send '{}' to {}", name, c, e);
            }
        }
        if (groups != null) groups.send(name);
    }

    /**
     * The connections of one event by broadcaster and data (by identity: the same object is
     * encoded once; equal copies are not looked for). Usually a single group, so the last one
     * used is checked first.
     */
    private final class Groups {
        private final Map<GroupKey, List<Connection>> byKey = new LinkedHashMap<>();
        private GroupKey lastKey;
        private List<Connection> last;

        void add(Broadcaster b, Object data, Connection c) {
            if (last == null || lastKey.broadcaster != b || lastKey.data != data) {
                lastKey = new GroupKey(b, data);
                last = byKey.computeIfAbsent(lastKey, k -> new ArrayList<>());
            }
            last.add(c);
        }

        void send(String name) {
            byKey.forEach((key, conns) -> {
                try {
                    key.broadcaster.send(name, key.data, conns);
                    sent.addAndGet(conns.size());
                } catch (RuntimeException e) {
                    LOG.warn("Could not send '{}' to {} connections (e.g. {})", name, conns.size(), conns.get(0), e);
                }
            });
        }
    }

    /** A broadcaster and a data object, both compared by identity. */
    private static final class GroupKey {
        final Broadcaster broadcaster;
        final Object data;

        GroupKey(Broadcaster broadcaster, Object data) {
            this.broadcaster = broadcaster;
            this.data = data;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GroupKey k && k.broadcaster == broadcaster && k.data == data;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(broadcaster) + System.identityHashCode(data);
        }
    }

    private Publisher publisherFor(String path, String event) {
        Map<String, Publisher> s = servicePublishers.get(path);
        if (s != null) {
            Publisher p = s.get(event);
            if (p == null) p = s.get(ALL);
            if (p != null) return p;
        }
        Publisher p = appPublishers.get(event);
        return p != null ? p : appPublishers.get(ALL);
    }

    @Override
    public String toString() {
        return "Channels{" + named.size() + " channels, " + connections.size() + " connections}";
    }
}
