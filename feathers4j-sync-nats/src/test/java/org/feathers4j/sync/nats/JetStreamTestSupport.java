package org.feathers4j.sync.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.internal.JetStreamTestAccess;

/** JetStream helpers of the tests: URIs in JetStream mode, stream names, deleting what a test made. */
final class JetStreamTestSupport {

    private JetStreamTestSupport() {
    }

    /** The shared server's URI in JetStream mode. */
    static String jsUri() {
        return NatsTestSupport.natsUri() + "?mode=jetstream";
    }

    /** Options on the shared server in JetStream mode with this key. */
    static SyncOptions options(String key) {
        return SyncOptions.uri(jsUri()).key(key);
    }

    /** The name of the key's stream (with the default settings). */
    static String streamName(String key) {
        return JetStreamTestAccess.streamName(key);
    }

    /** A plain connection to a server (the URI's query dropped). */
    static Connection connect(String uri) {
        int q = uri.indexOf('?');
        try {
            return Nats.connect(q < 0 ? uri : uri.substring(0, q));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The stream's info, or null. */
    static StreamInfo info(Connection c, String stream) throws Exception {
        try {
            return c.jetStreamManagement().getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) return null;
            throw e;
        }
    }

    /** Deletes a key-value bucket (a test's cursor bucket), if it exists. */
    static void deleteBucket(String uri, String bucket) {
        try (Connection c = connect(uri)) {
            c.keyValueManagement().delete(bucket);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10059) throw new IllegalStateException("could not delete bucket " + bucket + ": " + e, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete bucket " + bucket + ": " + e, e);
        }
    }

    /** Deletes the key's stream and stored positions of these instance ids on the server, if they exist. */
    static void deleteStream(String uri, String key, String... instanceIds) {
        try (Connection c = connect(uri)) {
            JetStreamManagement jsm = c.jetStreamManagement();
            String stream = streamName(key);
            try {
                jsm.deleteStream(stream);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10059) throw e;
            }
            for (String id : instanceIds) {
                try {
                    c.keyValue(org.feathers4j.sync.nats.NatsSyncConfig.DEFAULT_CURSOR_BUCKET).delete(JetStreamTestAccess.cursorKey(stream, id));
                } catch (Exception ignored) {
                    // no bucket: nothing stored
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not delete stream of " + key + ": " + e, e);
        }
    }
}
