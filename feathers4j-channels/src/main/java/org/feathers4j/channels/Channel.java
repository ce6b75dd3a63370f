package org.feathers4j.channels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A set of connections that receive the same events, as Feathers' channels. Named channels come
 * from {@link Channels#channel(String)} and live as long as the application; {@link #filter},
 * {@link #send} and {@link #combine} return new, unnamed channels (snapshots) meant to be returned
 * from a {@link Publisher}.
 *
 * <p>A channel may carry the data to send instead of the event's own ({@link #send(Object)}); a
 * combined channel remembers it per connection, so one event can reach different connections with
 * different data. Thread-safe.
 */
public class Channel {

    private static final Object EVENT_DATA = new Object();

    private final String name;
    private final Map<Connection, Object> members;

    Channel(String name) {
        this.name = name;
        this.members = new ConcurrentHashMap<>();
    }

    private Channel(Map<Connection, Object> snapshot) {
        this.name = null;
        this.members = snapshot;
    }

    /** An empty, unnamed channel: a publisher returns it to send an event to nobody. */
    public static Channel empty() {
        return new Channel(new LinkedHashMap<>());
    }

    /**
     * One channel holding the connections of all the given channels, each once; where a
     * connection is in several, the first of those channels decides its data (as in Feathers).
     */
    public static Channel combine(Channel... channels) {
        return combine(Arrays.asList(channels));
    }

    /** See {@link #combine(Channel...)}. */
    public static Channel combine(Collection<Channel> channels) {
        Map<Connection, Object> out = new LinkedHashMap<>();
        for (Channel c : channels) {
            if (c == null) continue;
            c.members.forEach(out::putIfAbsent);
        }
        return new Channel(out);
    }

    /** The name, or {@code null} for a derived channel. */
    public String name() { return name; }

    /** Adds connections; closed ones are ignored. Only for named channels in practice. */
    public Channel join(Connection... connections) {
        for (Connection c : connections) {
            Objects.requireNonNull(c, "connection");
            if (c.isOpen()) members.putIfAbsent(c, EVENT_DATA);
        }
        return this;
    }

    /** Removes connections. */
    public Channel leave(Connection... connections) {
        for (Connection c : connections) members.remove(c);
        return this;
    }

    /** Removes the connections that match, e.g. {@code leave(c -> user.equals(c.data().get("user")))}. */
    public Channel leave(Predicate<Connection> which) {
        members.keySet().removeIf(which);
        return this;
    }

    /** A new channel with the connections that match. */
    public Channel filter(Predicate<Connection> which) {
        Map<Connection, Object> out = new LinkedHashMap<>();
        members.forEach((c, d) -> {
            if (which.test(c)) out.put(c, d);
        });
        return new Channel(out);
    }

    /** A new channel with the same connections that sends {@code data} instead of the event's data. */
    public Channel send(Object data) {
        Map<Connection, Object> out = new LinkedHashMap<>();
        Object d = data == null ? EVENT_DATA : data;
        members.keySet().forEach(c -> out.put(c, d));
        return new Channel(out);
    }

    /** The connections, a snapshot. */
    public List<Connection> connections() {
        return new ArrayList<>(members.keySet());
    }

    /** Whether the connection is in this channel. */
    public boolean contains(Connection connection) {
        return members.containsKey(connection);
    }

    /** How many connections are in this channel. */
    public int length() {
        return members.size();
    }

    /** The data this channel sends to a connection: its own if set with {@link #send}, else {@code eventData}. */
    Object dataFor(Connection c, Object eventData) {
        Object d = members.get(c);
        return d == null || d == EVENT_DATA ? eventData : d;
    }

    Set<Connection> members() {
        return members.keySet();
    }

    @Override
    public String toString() {
        return "Channel{" + (name == null ? "(derived)" : name) + ", " + members.size() + " connections}";
    }
}
