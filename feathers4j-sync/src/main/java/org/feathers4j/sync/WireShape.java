package org.feathers4j.sync;

import java.util.Map;

/** Checks and reads the {@code {event, path, data, context, origin?, seq?}} shape from a decoded JSON object. */
public final class WireShape {

    private WireShape() {
    }

    /**
     * Builds a message from a decoded object.
     *
     * @throws IllegalArgumentException naming what is wrong when the shape is not a sync message
     */
    @SuppressWarnings("unchecked")
    public static SyncMessage toMessage(Map<String, Object> json) {
        if (json == null) throw new IllegalArgumentException("not a JSON object");
        Object event = json.get("event");
        Object path = json.get("path");
        Object context = json.get("context");
        Object origin = json.get("origin");
        Object seq = json.get("seq");
        if (!(event instanceof String e) || e.isEmpty()) throw new IllegalArgumentException("'event' must be a non-empty string");
        if (!(path instanceof String p) || p.isEmpty()) throw new IllegalArgumentException("'path' must be a non-empty string");
        if (context != null && !(context instanceof Map)) throw new IllegalArgumentException("'context' must be an object");
        if (origin != null && !(origin instanceof String)) throw new IllegalArgumentException("'origin' must be a string");
        if (seq != null && !(seq instanceof Number)) throw new IllegalArgumentException("'seq' must be a number");
        return new SyncMessage(e, p, json.get("data"), (Map<String, Object>) context, (String) origin,
                seq == null ? null : ((Number) seq).longValue());
    }
}
