package org.feathers4j.sync;

/**
 * Turns sync messages into bytes and back. The default, {@link #json()}, writes the JSON that Node
 * feathers-sync 3.x writes, so Java and Node instances can share a bus; any other serializer
 * (binary ones included) works between feathers4j instances that all use it.
 *
 * <p>Implementations must be thread-safe. {@link #deserialize} should throw on input it cannot
 * read; the message is then logged, counted and dropped.
 */
public interface SyncSerializer {

    /** Serializes a message. */
    byte[] serialize(SyncMessage message) throws Exception;

    /** Deserializes a message. */
    SyncMessage deserialize(byte[] bytes) throws Exception;

    /** The default: feathers-sync 3.x JSON, UTF-8, {@code java.time} values as ISO-8601 strings. */
    static SyncSerializer json() {
        return JsonSyncSerializer.INSTANCE;
    }
}
