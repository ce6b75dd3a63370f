package org.feathers4j.server.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** The flow-control counters of one server, cumulative over its restarts; thread-safe. */
public final class ServerCounters {

    /** Events handed to clients. */
    public final AtomicLong eventsSent = new AtomicLong();
    /** Of those, events written to a websocket as one frame shared with other connections (encoded once). */
    public final AtomicLong eventsSharedFrames = new AtomicLong();
    /** Events not sent because the client's outbound buffer or queue was full. */
    public final AtomicLong eventsDroppedSlowClient = new AtomicLong();
    /** Clients disconnected for staying slow longer than the grace period. */
    public final AtomicLong slowClientsDisconnected = new AtomicLong();
    /** Calls received and not yet answered (a gauge). */
    public final AtomicLong callsInFlight = new AtomicLong();
    /** Calls refused because their connection had too many in flight. */
    public final AtomicLong callsRejected = new AtomicLong();
    /** Calls refused by the per-connection rate limit. */
    public final AtomicLong callsRateLimited = new AtomicLong();
    /** REST and static-file answers by status class: index 1 for 1xx … 5 for 5xx. */
    public final AtomicLongArray httpResponses = new AtomicLongArray(6);

    /** Counts one HTTP answer of the REST/static handler. */
    public void httpResponse(int status) {
        int c = status / 100;
        if (c >= 1 && c <= 5) httpResponses.incrementAndGet(c);
    }
}
