package org.feathers4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.errors.NotFound;
import org.feathers4j.hooks.Hooks;
import org.feathers4j.internal.BlockingServiceAdapter;
import org.feathers4j.internal.Listeners;

/**
 * A feathers4j application: services registered at paths, application-wide hooks, application
 * events, settings, plugins and mixins.
 *
 * <pre>{@code
 * Application app = new Application();
 * app.use("messages", new MemoryService());
 * app.service("messages").on("created", (message, ctx) -> System.out.println(message));
 * app.service("messages").create(Map.of("text", "Hello")).join();
 * }</pre>
 *
 * <p>Thread-safe: services may be called from any thread.
 */
public final class Application {

    private final Map<String, AppService> services = new ConcurrentHashMap<>();
    private final List<AppService> inOrder = new CopyOnWriteArrayList<>();
    private final List<Mixin> mixins = new CopyOnWriteArrayList<>();
    private final Map<String, Object> settings = new ConcurrentHashMap<>();
    private final Listeners<AppEventListener> listeners = new Listeners<>("the application");
    private final Hooks hooks = new Hooks();
    private volatile SyncStatus sync;
    private volatile boolean setUp;

    /** A new, empty application. */
    public Application() {
    }

    // ---- services ------------------------------------------------------------------------

    /**
     * Registers a service at a path (leading and trailing slashes are ignored) and runs the
     * mixins for it. If the application is already set up, the service's setup runs now.
     *
     * @throws IllegalArgumentException if the path is empty or already taken
     */
    public synchronized Application use(String path, Service service) {
        Objects.requireNonNull(service, "service");
        String p = normalize(path);
        if (p.isEmpty()) throw new IllegalArgumentException("a service path must not be empty");
        AppService registered = new AppService(this, p, service);
        if (services.putIfAbsent(p, registered) != null) {
            throw new IllegalArgumentException("a service is already registered at '" + p + "'");
        }
        inOrder.add(registered);
        for (Mixin m : mixins) m.apply(registered);
        if (setUp) service.setup(this, p).toCompletableFuture().join();
        return this;
    }

    /** Registers a blocking service; see {@link BlockingService}. */
    public Application use(String path, BlockingService service) {
        return use(path, new BlockingServiceAdapter(Objects.requireNonNull(service, "service")));
    }

    /**
     * The service at a path (slashes normalised).
     *
     * @throws NotFound {@code Service 'x' not found} if there is none
     */
    public AppService service(String path) {
        AppService s = services.get(normalize(path));
        if (s == null) throw new NotFound("Service '" + normalize(path) + "' not found");
        return s;
    }

    /** The service at a path, if there is one. */
    public Optional<AppService> lookup(String path) {
        return Optional.ofNullable(services.get(normalize(path)));
    }

    /** All registered services by path, in no particular order; unmodifiable view. */
    public Map<String, AppService> services() {
        return Collections.unmodifiableMap(services);
    }

    /** Strips leading and trailing slashes: {@code "/users/messages/"} becomes {@code "users/messages"}. */
    public static String normalize(String path) {
        Objects.requireNonNull(path, "path");
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') start++;
        while (end > start && path.charAt(end - 1) == '/') end--;
        return path.substring(start, end);
    }

    // ---- plugins, mixins, hooks ------------------------------------------------------------

    /** Runs a plugin against this application. */
    public Application configure(Plugin plugin) {
        Objects.requireNonNull(plugin, "plugin").configure(this);
        return this;
    }

    /** Adds a mixin: it runs now for every registered service and later for each new one. */
    public synchronized Application mixin(Mixin mixin) {
        Objects.requireNonNull(mixin, "mixin");
        mixins.add(mixin);
        for (AppService s : inOrder) mixin.apply(s);
        return this;
    }

    /** The application hooks, which run for every service. */
    public Hooks hooks() {
        return hooks;
    }

    // ---- application events ----------------------------------------------------------------

    /** Listens to an application event. */
    public Application on(String event, AppEventListener listener) {
        listeners.on(Objects.requireNonNull(event, "event"), Objects.requireNonNull(listener, "listener"), false);
        return this;
    }

    /** Listens to the next occurrence of an application event only. */
    public Application once(String event, AppEventListener listener) {
        listeners.on(Objects.requireNonNull(event, "event"), Objects.requireNonNull(listener, "listener"), true);
        return this;
    }

    /** Removes a listener. */
    public Application off(String event, AppEventListener listener) {
        listeners.off(event, listener);
        return this;
    }

    /** Emits an application event; returns whether it had listeners. A listener that throws is logged. */
    public boolean emit(String event, Object... args) {
        return listeners.emit(event, l -> l.onEvent(args));
    }

    /** How many listeners an application event has. */
    public int listenerCount(String event) {
        return listeners.count(event);
    }

    // ---- settings ------------------------------------------------------------------------

    /** Stores a setting ({@code null} removes it). */
    public Application set(String name, Object value) {
        if (value == null) settings.remove(name); else settings.put(name, value);
        return this;
    }

    /** Reads a setting, or {@code null}. */
    public Object get(String name) {
        return settings.get(name);
    }

    // ---- sync ----------------------------------------------------------------------------

    /**
     * The sync plugin's status: type, ready future, state, counters.
     *
     * @throws IllegalStateException if no sync is configured
     */
    public SyncStatus sync() {
        SyncStatus s = sync;
        if (s == null) {
            throw new IllegalStateException("no sync is configured: app.configure(Sync.of(\"redis://...\")) first");
        }
        return s;
    }

    /** Whether a sync plugin is configured. */
    public boolean hasSync() {
        return sync != null;
    }

    /**
     * Records the sync plugin's status; for sync plugins only.
     *
     * @throws IllegalStateException if a different sync is already configured
     */
    public synchronized void sync(SyncStatus status) {
        if (status != null && sync != null && sync != status) {
            throw new IllegalStateException("a sync of type '" + sync.type() + "' is already configured on this application");
        }
        sync = status;
    }

    // ---- lifecycle -----------------------------------------------------------------------

    /** Runs every service's setup, in registration order; completes when all are done. */
    public CompletableFuture<Void> setup() {
        setUp = true;
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (AppService s : inOrder) {
            chain = chain.thenCompose(v -> s.implementation().setup(this, s.path()));
        }
        return chain.thenRun(() -> emit("setup"));
    }

    /** Runs every service's teardown, then closes sync if configured. */
    public CompletableFuture<Void> teardown() {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (AppService s : inOrder) {
            chain = chain.thenCompose(v -> s.implementation().teardown(this, s.path()));
        }
        SyncStatus s = sync;
        if (s != null) chain = chain.thenCompose(v -> s.close());
        return chain.thenRun(() -> {
            setUp = false;
            emit("teardown");
        });
    }

    /** Whether {@link #setup()} ran and {@link #teardown()} did not since. */
    public boolean isSetUp() {
        return setUp;
    }

    @Override
    public String toString() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("services", services.keySet());
        d.put("sync", sync == null ? null : sync.type());
        return "Application" + d;
    }
}
