package org.feathers4j.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.feathers4j.Application;
import org.feathers4j.Plugin;
import org.feathers4j.SyncStatus;
import org.feathers4j.sync.internal.SyncEngine;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/**
 * The sync plugin: every service event leaves through a broker and comes back, on every instance
 * (this one included), as the service event with a locally rebuilt context.
 *
 * <pre>{@code
 * app.configure(Sync.of("redis://localhost:6379"));
 * app.sync().ready().join();
 * }</pre>
 *
 * <p>The URI scheme picks the adapter among those on the classpath ({@code feathers4j-sync-redis}
 * and friends); {@code memory://name} links apps inside one JVM. To build an adapter yourself
 * (e.g. from an existing client), use {@link #with(SyncAdapter, SyncOptions)}.
 *
 * <p>To keep one call's events on this instance, set the {@link #SYNC} flag to {@code false} on
 * its hook context ({@code ctx.set(Sync.SYNC, false)}) or its params
 * ({@code params.set(Sync.SYNC, false)}).
 */
public final class Sync {

    /** The per-call switch: {@code false} on the hook context or params keeps the events local. */
    public static final String SYNC = "sync";

    /**
     * Application event carrying outgoing message bytes ({@code byte[]}), for adapters installed with
     * {@link #viaEvents} only; SPI adapters ({@link #of}, {@link #with}) are called directly.
     */
    public static final String SYNC_OUT = "sync-out";

    /**
     * Application event carrying incoming message bytes ({@code byte[]}, or a UTF-8 {@code String}),
     * from adapters installed with {@link #viaEvents} only; with an SPI adapter it is not listened to,
     * so application code cannot inject bus messages.
     */
    public static final String SYNC_IN = "sync-in";

    /**
     * Application event emitted when this instance knows it missed events from other instances; its
     * one argument is a {@link SyncGap} (who, which sequence numbers, how many, why). Listen to it to
     * tell clients to fetch again: see {@link SyncGap}.
     */
    public static final String SYNC_GAP = "sync-gap";

    private Sync() {
    }

    /** Sync through the broker at this URI, with default options. */
    public static Plugin of(String uri) {
        return of(SyncOptions.uri(uri));
    }

    /**
     * Sync with these options; the URI scheme picks the adapter.
     *
     * @throws IllegalArgumentException (when configured) if the URI is missing or malformed, or no
     *                                  adapter on the classpath serves its scheme
     */
    public static Plugin of(SyncOptions options) {
        SyncOptions opts = Objects.requireNonNull(options, "options").copy();
        return app -> {
            if (sameAsConfigured(app, opts)) return;
            SyncAdapter adapter = provider(opts).create(opts);
            SyncEngine.install(app, opts, adapter);
        };
    }

    /** Sync through an adapter you built (e.g. from an existing client), with these options. */
    public static Plugin with(SyncAdapter adapter, SyncOptions options) {
        Objects.requireNonNull(adapter, "adapter");
        SyncOptions opts = Objects.requireNonNull(options, "options").copy();
        return app -> {
            if (app.hasSync() && app.sync() instanceof SyncEngine e && e.ready() == adapter.ready()) return;
            SyncEngine.install(app, opts, adapter);
        };
    }

    /**
     * Sync through an adapter that works with application events, as feathers-sync's custom
     * adapters do: it listens to {@link #SYNC_OUT} (bytes to publish) and emits {@link #SYNC_IN}
     * with what it receives.
     *
     * @param type    the type {@code app.sync().type()} reports
     * @param ready   completes when the adapter can publish and receive
     * @param options serializer, key and other options
     */
    public static Plugin viaEvents(String type, CompletableFuture<Void> ready, SyncOptions options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ready, "ready");
        SyncOptions opts = Objects.requireNonNull(options, "options").copy();
        return app -> {
            if (app.hasSync() && app.sync().ready() == ready) return;
            SyncEngine.installEventBased(app, opts, type, ready);
        };
    }

    private static boolean sameAsConfigured(Application app, SyncOptions opts) {
        if (!app.hasSync()) return false;
        SyncStatus s = app.sync();
        if (s instanceof SyncEngine e && Objects.equals(e.options().uri(), opts.uri())
                && e.options().key().equals(opts.key())) {
            return true; // configuring the same sync twice is a no-op
        }
        throw new IllegalStateException("a different sync (" + s.type() + ") is already configured on this application; "
                + "an application syncs through one broker");
    }

    /**
     * The provider serving the options' URI scheme.
     *
     * @throws IllegalArgumentException if the URI is missing or malformed, or no adapter serves the scheme
     */
    public static SyncAdapterProvider provider(SyncOptions options) {
        String scheme = options.parsedUri().getScheme().toLowerCase(Locale.ROOT);
        List<SyncAdapterProvider> all = providers();
        for (SyncAdapterProvider p : all) {
            if (p.schemes().contains(scheme)) return p;
        }
        TreeSet<String> known = new TreeSet<>();
        for (SyncAdapterProvider p : all) known.addAll(p.schemes());
        throw new IllegalArgumentException("no sync adapter for URI scheme '" + scheme + "'; adapters on the classpath serve "
                + known + ". Add the module for your broker, e.g. org.feathers4j:feathers4j-sync-" + scheme);
    }

    /** The adapter providers on the classpath. */
    public static List<SyncAdapterProvider> providers() {
        List<SyncAdapterProvider> out = new ArrayList<>();
        for (SyncAdapterProvider p : ServiceLoader.load(SyncAdapterProvider.class, Sync.class.getClassLoader())) out.add(p);
        return out;
    }
}
