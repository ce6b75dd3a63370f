package org.feathers4j.sync.nats.internal;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * JetStream mode, with a fixed instance id: where this instance stopped reading, kept in a
 * key-value bucket of the same server ({@code cursorBucket}, one history entry per key, file
 * storage). The key is the stream's name and the instance id; the value the last delivered stream
 * sequence and the stream's creation time (a stream deleted and made again restarts its
 * sequence numbers: a position in the old one means nothing in the new one).
 *
 * <p>Why a bucket and not a durable consumer: the reader is an ordered consumer, recreated from
 * its own position after every disruption, which a durable consumer's server-side position would
 * contradict; a bucket entry is one small write, made every {@code cursorInterval} (when it moved)
 * and at close. After a crash the entry is up to {@code cursorInterval} behind: those messages
 * are delivered again on restart (at-least-once across a crash).
 */
final class CursorStore {

    /** A stored position: the last delivered stream sequence of the stream created at {@code streamCreated}. */
    record Cursor(long lastSeq, String streamCreated) {
    }

    private final String bucket;
    private final String key;
    private volatile KeyValue kv;

    CursorStore(String bucket, String stream, String instanceId) {
        this.bucket = Objects.requireNonNull(bucket);
        this.key = stream + "." + instanceId.replaceAll("[^A-Za-z0-9_=-]", "_");
    }

    /** The entry's key in the bucket. */
    String key() {
        return key;
    }

    private KeyValue kv(Connection c) throws IOException, JetStreamApiException {
        KeyValue k = kv;
        if (k != null) return k;
        KeyValueManagement kvm = c.keyValueManagement();
        try {
            kvm.getStatus(bucket);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != StreamSetup.STREAM_NOT_FOUND) throw e;
            try {
                kvm.create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(1).storageType(StorageType.File).build());
            } catch (JetStreamApiException raced) {
                kvm.getStatus(bucket); // made by another instance meanwhile
            }
        }
        k = c.keyValue(bucket);
        kv = k;
        return k;
    }

    /** The stored position, or {@code null}. */
    Cursor read(Connection c) throws IOException, JetStreamApiException {
        KeyValueEntry e = kv(c).get(key);
        if (e == null || e.getValue() == null) return null;
        String v = new String(e.getValue(), StandardCharsets.UTF_8);
        int sp = v.indexOf(' ');
        try {
            return new Cursor(Long.parseLong(sp < 0 ? v : v.substring(0, sp)), sp < 0 ? "" : v.substring(sp + 1));
        } catch (NumberFormatException bad) {
            return null;
        }
    }

    /** Stores a position. */
    void write(Connection c, Cursor cursor) throws IOException, JetStreamApiException {
        kv(c).put(key, (cursor.lastSeq() + " " + cursor.streamCreated()).getBytes(StandardCharsets.UTF_8));
    }

    /** Forgets the connection-bound handle (after a reconnection it is made again). */
    void reset() {
        kv = null;
    }
}
