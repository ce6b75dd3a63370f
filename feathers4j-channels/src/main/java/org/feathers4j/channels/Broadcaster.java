package org.feathers4j.channels;

import java.util.List;

/**
 * Sends one event with one data to many connections of one transport at once, so the transport
 * can encode the event once and reuse the bytes (and hand the writes to its threads in batches)
 * instead of working per connection. A {@link Connection} names its broadcaster with
 * {@link Connection#broadcaster()}; {@link Channels} then groups the connections an event goes to
 * by broadcaster and by data (connections whose channel {@linkplain Channel#send(Object) sends
 * other data} form their own group) and calls {@link #send} once per group.
 *
 * <p>Must not block, like {@link Connection#send(String, Object)}; called from whatever thread
 * emitted the event. Slow clients are the transport's business (drop and count, as
 * {@code send} does).
 */
public interface Broadcaster {

    /**
     * Sends {@code event} with {@code data} to each of the connections (all of this
     * broadcaster's, all open when the list was made).
     *
     * @param event       the full event name: {@code "<path> <event>"}
     * @param data        the event data, the same for every connection of the list
     * @param connections at least one
     * @throws RuntimeException if the event cannot be sent to any of them (e.g. the data cannot be
     *                          written); {@link Channels} logs it, for the whole group
     */
    void send(String event, Object data, List<Connection> connections);
}
