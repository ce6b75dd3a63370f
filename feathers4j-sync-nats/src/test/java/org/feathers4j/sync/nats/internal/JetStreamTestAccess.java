package org.feathers4j.sync.nats.internal;

/** Test access to the internal names of JetStream mode. */
public final class JetStreamTestAccess {

    private JetStreamTestAccess() {
    }

    /** The default stream name of a key. */
    public static String streamName(String key) {
        return StreamSetup.streamName(key);
    }

    /** The key of a stored position in the cursor bucket. */
    public static String cursorKey(String stream, String instanceId) {
        return new CursorStore("b", stream, instanceId).key();
    }

    /** Whether a stream subject (with wildcards) covers a subject. */
    public static boolean covers(String pattern, String subject) {
        return StreamSetup.matches(pattern, subject);
    }
}
