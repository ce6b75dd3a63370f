package org.feathers4j.server.internal;

/**
 * The slow-client and call limits of one server, as configured on {@code FeathersServer}.
 *
 * @param outboundHighWaterMarkBytes a websocket's outbound buffer above this is "slow": its events
 *                                   are dropped and it is not read from until it drains below half
 * @param maxQueuedEvents            events handed to netty-socketio and not yet written (for polling
 *                                   clients: waiting for the next poll) above which events are dropped
 * @param slowClientGraceMs          a client slow for longer than this is disconnected; 0: never
 * @param maxCallsInFlight           calls received and not yet answered per connection
 * @param maxCallsPerSecond          calls per second per connection (token bucket, burst of one
 *                                   second); 0: unlimited
 */
public record FlowLimits(int outboundHighWaterMarkBytes, int maxQueuedEvents, long slowClientGraceMs,
                         int maxCallsInFlight, int maxCallsPerSecond) {

    /** The low water mark: writable again (and read from again) below half the high mark. */
    public int outboundLowWaterMarkBytes() {
        return outboundHighWaterMarkBytes / 2;
    }
}
