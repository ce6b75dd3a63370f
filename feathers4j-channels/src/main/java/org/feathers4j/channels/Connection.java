package org.feathers4j.channels;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real-time client connection, as Feathers' {@code params.connection}: a transport creates one
 * per connected client and {@linkplain Channels#connect(Connection) announces} it; the application
 * puts connections into {@link Channel}s, and {@link Channels} sends each service event to the
 * connections its publishers select.
 *
 * <p>Transport-independent: a transport subclasses it and implements {@link #send(String, Object)}
 * (which must not block: queue or write asynchronously), {@link #isOpen()} and {@link #close()}.
 * {@link #data()} is free, thread-safe storage for the application (e.g. the authenticated
 * {@code "user"}), which is how Feathers authentication marks a connection.
 */
public abstract class Connection {

    private final String id;
    private final String provider;
    private final Map<String, Object> headers;
    private final Map<String, Object> data = new ConcurrentHashMap<>();

    /**
     * @param id       unique among the transport's connections, e.g. the session id
     * @param provider the transport name as in {@code params.provider}, e.g. {@code "socketio"}
     * @param headers  the headers of the request that opened the connection (copied)
     */
    protected Connection(String id, String provider, Map<String, ?> headers) {
        this.id = Objects.requireNonNull(id, "id");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The connection id, unique per transport. */
    public final String id() { return id; }

    /** The transport, e.g. {@code "socketio"}. */
    public final String provider() { return provider; }

    /** The headers of the request that opened the connection; unmodifiable. */
    public final Map<String, Object> headers() { return headers; }

    /** Free storage for the application, e.g. {@code data().put("user", user)}; thread-safe, no null values. */
    public final Map<String, Object> data() { return data; }

    /**
     * Sends an event to the client, e.g. {@code send("messages created", message)}. Called from
     * whatever thread emitted the event; must not block.
     *
     * @param event the full event name: {@code "<path> <event>"}
     * @param data  the event data
     */
    public abstract void send(String event, Object data);

    /**
     * The transport's {@link Broadcaster} if it sends one event to many connections at once
     * (encoding it once), or {@code null} (the default) to be sent each event alone with
     * {@link #send(String, Object)}. All connections of a transport return the same instance.
     */
    public Broadcaster broadcaster() { return null; }

    /** Whether the client is still connected. */
    public abstract boolean isOpen();

    /** Disconnects the client; the transport then reports the disconnection to {@link Channels}. */
    public abstract void close();

    @Override
    public String toString() {
        return "Connection{" + provider + ":" + id + "}";
    }
}
