package org.feathers4j.server;

/** The Socket.IO transports a {@link FeathersServer} can serve. */
public enum Transport {
    /** WebSocket, directly or after an upgrade from polling. */
    WEBSOCKET,
    /** HTTP long-polling (Engine.IO's default first transport). */
    POLLING
}
