package org.feathers4j.sync.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * The Redis keys of streams mode for one sync key {@code K}: the stream {@code {K}:stream} and one cursor per
 * instance, {@code {K}:cursor:<instanceId>}. The braces are a Redis Cluster hash tag: every key of one sync key
 * hashes to the same slot, so a later cluster mode can read a cursor and the stream in one script.
 */
final class StreamKeys {

    /** The entry field that holds the message bytes. */
    static final byte[] FIELD = {'m'};

    private final String key;
    private final byte[] stream;

    StreamKeys(String key) {
        this.key = key;
        this.stream = bytes(streamName(key));
    }

    /** The stream's name for a sync key. */
    static String streamName(String key) {
        return "{" + key + "}:stream";
    }

    /** The cursor key of one instance for a sync key. */
    static String cursorName(String key, String instanceId) {
        return "{" + key + "}:cursor:" + instanceId;
    }

    byte[] stream() {
        return stream;
    }

    String streamName() {
        return streamName(key);
    }

    byte[] cursor(String instanceId) {
        return bytes(cursorName(key, instanceId));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
