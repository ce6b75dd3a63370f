package org.feathers4j.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.channels.Channels;
import org.feathers4j.server.FeathersServer;

/**
 * Micrometer meters for one feathers4j instance: its sync ({@code app.sync()}), its channels and,
 * when given, its {@link FeathersServer}. The meters read the counters feathers4j keeps anyway
 * (function counters, gauges and function timers), so binding costs nothing on the hot paths.
 *
 * <pre>{@code
 * new FeathersMetrics(app, server).bindTo(registry);
 * }</pre>
 *
 * Bind after sync is configured and channels are installed (e.g. after {@code FeathersServer.create});
 * what is not there at bind time gets no meters. The meter names are listed in this module's README.
 */
public final class FeathersMetrics implements MeterBinder {

    private final Application app;
    private final FeathersServer server;
    private final Iterable<Tag> tags;

    /** Meters for the app's sync and channels. */
    public FeathersMetrics(Application app) {
        this(app, null, Tags.empty());
    }

    /** Meters for the app's sync and channels, and for the server ({@code null}: none). */
    public FeathersMetrics(Application app, FeathersServer server) {
        this(app, server, Tags.empty());
    }

    /**
     * @param app    the application
     * @param server its server, or {@code null}
     * @param tags   tags added to every meter, e.g. {@code Tags.of("instance", "a")}
     */
    public FeathersMetrics(Application app, FeathersServer server, Iterable<Tag> tags) {
        this.app = Objects.requireNonNull(app, "app");
        this.server = server;
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (app.hasSync()) bindSync(registry);
        if (app.get(Channels.SETTING) instanceof Channels channels) bindChannels(registry, channels);
        if (server != null) bindServer(registry);
    }

    // ---- sync ------------------------------------------------------------------------------

    private void bindSync(MeterRegistry registry) {
        // Micrometer holds a meter's state object weakly: the state is the app (its owner keeps it), read through a function
        Counters<Application> c = new Counters<>(app, a -> a.sync().counters());
        Map<String, Long> now = c.read();
        counter(registry, now, c, "feathers4j.sync.messages.sent", "sent", "messages the broker took", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.messages.received", "received", "messages received and emitted", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.messages.send.failed", "sendFailed", "publishes that failed", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.messages.not.sent", "notSent",
                "events not sent (could not be filtered or serialized, or too large)", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.messages.duplicates", "duplicates", "duplicate messages dropped", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.messages.late", "late", "messages that arrived after a later one", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.seq.jumps", "seqJumps", "sequence numbers far beyond the window", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.reconnects", "reconnects", "reconnections to the broker", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.buffer.overflow", "bufferDropped",
                "messages dropped because the buffer of a disconnected adapter was full", Tags.empty());
        counter(registry, now, c, "feathers4j.sync.deliveries.slow", "slowDirectDeliveries",
                "direct deliveries that held the broker client's I/O thread over 100 ms", Tags.empty());
        if (now.containsKey("dropped")) {
            // "dropped" counts every incoming drop; the listed reasons are parts of it, "invalid" the rest
            FunctionCounter.builder("feathers4j.sync.messages.dropped", app, a -> invalid(a.sync().counters()))
                    .description("incoming messages dropped").tags(tags).tag("reason", "invalid").register(registry);
        }
        String dropped = "feathers4j.sync.messages.dropped";
        counter(registry, now, c, dropped, "undeclaredEvents", "incoming messages dropped", Tags.of("reason", "undeclared-event"));
        counter(registry, now, c, dropped, "framesRefused", "incoming messages dropped", Tags.of("reason", "frame-refused"));
        counter(registry, now, c, dropped, "framesOversized", "incoming messages dropped", Tags.of("reason", "frame-oversized"));
        counter(registry, now, c, dropped, "unsigned", "incoming messages dropped", Tags.of("reason", "unsigned"));
        counter(registry, now, c, dropped, "badSignature", "incoming messages dropped", Tags.of("reason", "bad-signature"));
        counter(registry, now, c, dropped, "deliveryDropped", "incoming messages dropped", Tags.of("reason", "delivery-queue-full"));
        gauge(registry, now, c, "feathers4j.sync.gaps", "gaps", "sequence numbers missing now");
        gauge(registry, now, c, "feathers4j.sync.buffered", "buffered", "messages waiting for the broker");
        for (SyncState s : SyncState.values()) {
            Gauge.builder("feathers4j.sync.state", app, a -> a.sync().state() == s ? 1 : 0)
                    .description("1 for the current sync state, 0 for the others").tags(tags)
                    .tag("type", app.sync().type()).tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        timer(registry, now, c, "feathers4j.sync.publish", "publishTimed", "publishNanos",
                "time until the broker took a message (unbatched publishes)");
        timer(registry, now, c, "feathers4j.sync.echo", "echoTimed", "echoNanos",
                "round trip of this instance's own messages through the broker: the delivery lag every instance sees");
    }

    private static long invalid(Map<String, Long> c) {
        return c.getOrDefault("dropped", 0L) - c.getOrDefault("undeclaredEvents", 0L)
                - c.getOrDefault("framesRefused", 0L) - c.getOrDefault("framesOversized", 0L);
    }

    // ---- channels ----------------------------------------------------------------------------

    private void bindChannels(MeterRegistry registry, Channels channels) {
        Gauge.builder("feathers4j.channels.connections", channels, ch -> ch.connections().size())
                .description("open real-time connections").tags(tags).register(registry);
        FunctionCounter.builder("feathers4j.channels.events.sent", channels, Channels::sentCount)
                .description("events dispatched to connections (one per connection and event)").tags(tags).register(registry);
        FunctionCounter.builder("feathers4j.channels.publisher.errors", channels, Channels::publisherErrorCount)
                .description("publishers that threw; their events went to nobody").tags(tags).register(registry);
    }

    // ---- server ------------------------------------------------------------------------------

    private void bindServer(MeterRegistry registry) {
        Counters<FeathersServer> c = new Counters<>(server, FeathersServer::counters);
        Map<String, Long> now = c.read();
        gauge(registry, now, c, "feathers4j.server.connections", "connections.websocket", "open Socket.IO connections",
                Tags.of("transport", "websocket"));
        gauge(registry, now, c, "feathers4j.server.connections", "connections.polling", "open Socket.IO connections",
                Tags.of("transport", "polling"));
        counter(registry, now, c, "feathers4j.server.events.sent", "eventsSent", "events handed to Socket.IO clients", Tags.empty());
        counter(registry, now, c, "feathers4j.server.events.shared", "eventsSharedFrames",
                "events written to websocket clients as one ready-made frame shared by every connection that got the same data",
                Tags.empty());
        counter(registry, now, c, "feathers4j.server.events.dropped", "eventsDroppedSlowClient",
                "events not sent to a client", Tags.of("reason", "slow-client"));
        counter(registry, now, c, "feathers4j.server.clients.disconnected", "slowClientsDisconnected",
                "clients disconnected by the server", Tags.of("reason", "slow"));
        gauge(registry, now, c, "feathers4j.server.calls.in.flight", "callsInFlight", "Socket.IO calls received, not yet answered");
        counter(registry, now, c, "feathers4j.server.calls.rejected", "callsRejected", "Socket.IO calls answered TooManyRequests",
                Tags.of("reason", "in-flight-limit"));
        counter(registry, now, c, "feathers4j.server.calls.rejected", "callsRateLimited", "Socket.IO calls answered TooManyRequests",
                Tags.of("reason", "rate-limit"));
        for (int s = 1; s <= 5; s++) {
            counter(registry, now, c, "feathers4j.server.http.responses", "http." + s + "xx",
                    "REST and static-file answers", Tags.of("status", s + "xx"));
        }
        counter(registry, now, c, "feathers4j.server.packets.refused", "refusedPackets",
                "Socket.IO packets refused as malformed or too deep", Tags.empty());
        counter(registry, now, c, "feathers4j.server.origins.refused", "refusedOrigins",
                "Socket.IO requests refused for their Origin", Tags.empty());
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** An owner whose counters map the meters read; the meters keep the owner (weakly), not this. */
    private record Counters<T>(T owner, java.util.function.Function<T, Map<String, Long>> map) {
        Map<String, Long> read() {
            return map.apply(owner);
        }

        ToDoubleFunction<T> value(String key) {
            return o -> map.apply(o).getOrDefault(key, 0L);
        }
    }

    private <T> void counter(MeterRegistry registry, Map<String, Long> now, Counters<T> c, String name,
                             String key, String description, Tags extra) {
        if (!now.containsKey(key)) return;
        FunctionCounter.builder(name, c.owner(), c.value(key)).description(description).tags(tags).tags(extra).register(registry);
    }

    private <T> void gauge(MeterRegistry registry, Map<String, Long> now, Counters<T> c, String name,
                           String key, String description) {
        gauge(registry, now, c, name, key, description, Tags.empty());
    }

    private <T> void gauge(MeterRegistry registry, Map<String, Long> now, Counters<T> c, String name,
                           String key, String description, Tags extra) {
        if (!now.containsKey(key)) return;
        Gauge.builder(name, c.owner(), c.value(key)).description(description).tags(tags).tags(extra).register(registry);
    }

    private <T> void timer(MeterRegistry registry, Map<String, Long> now, Counters<T> c, String name,
                           String countKey, String nanosKey, String description) {
        if (!now.containsKey(countKey)) return;
        FunctionTimer.builder(name, c.owner(), o -> c.map().apply(o).getOrDefault(countKey, 0L),
                o -> c.map().apply(o).getOrDefault(nanosKey, 0L), TimeUnit.NANOSECONDS)
                .description(description).tags(tags).register(registry);
    }
}
