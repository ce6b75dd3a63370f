package org.feathers4j.sync.nats.internal;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream mode: the stream of one key. Finds it, creates it with the configured limits when it
 * is missing, and checks that one found can be used: its subjects must cover the key's subject and
 * it must keep messages by limits (a work-queue stream hands each message to one reader only).
 * Other differences from the configured settings are logged once and the stream used as it is:
 * whoever made it decided its limits.
 */
final class StreamSetup {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSetup.class);
    /** JetStream API error: stream not found. */
    static final int STREAM_NOT_FOUND = 10059;
    /** JetStream API error: stream name already in use (with another configuration). */
    private static final int STREAM_NAME_IN_USE = 10058;

    private final NatsSyncConfig config;
    private final String subject;
    private final String name;
    private volatile boolean exclusive;
    private volatile boolean checked; // differences logged once

    StreamSetup(NatsSyncConfig config, String subject) {
        this.config = Objects.requireNonNull(config, "config");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.name = config.streamName() != null ? config.streamName() : streamName(subject);
    }

    /**
     * The stream name for a key: {@code FEATHERS4J_SYNC_} and the key, each character other than a
     * letter, digit, {@code -} or {@code _} replaced by {@code _}; when something was replaced (or
     * the name is long) a hash of the key follows, so that {@code a.b} and {@code a_b} differ.
     */
    static String streamName(String key) {
        String clean = key.replaceAll("[^A-Za-z0-9_-]", "_");
        if (clean.equals(key) && clean.length() <= 200) return "FEATHERS4J_SYNC_" + clean;
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        String head = clean.length() > 200 ? clean.substring(0, 200) : clean;
        return "FEATHERS4J_SYNC_" + head + "_" + String.format("%08x", crc.getValue());
    }

    /** The stream's name. */
    String name() {
        return name;
    }

    /** The key's subject. */
    String subject() {
        return subject;
    }

    /**
     * Whether the stream holds the key's subject only: then its sequence numbers have no holes
     * but those the server made (limits, deletions), and a jump in them is a loss.
     */
    boolean exclusive() {
        return exclusive;
    }

    /** The configuration of a stream this adapter creates. */
    StreamConfiguration wanted() {
        return StreamConfiguration.builder()
                .name(name)
                .subjects(subject)
                .storageType(config.streamStorage() == NatsSyncConfig.StreamStorage.MEMORY ? StorageType.Memory : StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxMessages(config.streamMaxMessages())
                .maxBytes(config.streamMaxBytes())
                .maxAge(config.streamMaxAge())
                .duplicateWindow(config.duplicateWindow())
                .replicas(1)
                .build();
    }

    /**
     * The stream's info; creates the stream if it is missing.
     *
     * @throws SyncException (reason {@code CONFIGURATION}) if a stream of that name exists and cannot be used
     * @throws IOException, JetStreamApiException as the client throws them (retried by the caller)
     */
    StreamInfo ensure(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw e;
            info = create(jsm);
        }
        check(info);
        return info;
    }

    /** The stream's info, or {@code null} if it does not exist (nothing created). */
    StreamInfo find(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) return null;
            throw e;
        }
    }

    private StreamInfo create(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        try {
            StreamInfo info = jsm.addStream(wanted());
            LOG.info("nats sync: created JetStream stream {} for subject '{}' ({} storage, max {} messages, {} bytes, age {}, "
                            + "duplicate window {})", name, subject, config.streamStorage().name().toLowerCase(java.util.Locale.ROOT),
                    config.streamMaxMessages(), config.streamMaxBytes(), config.streamMaxAge(), config.duplicateWindow());
            checked = true; // ours: nothing differs
            return info;
        } catch (JetStreamApiException e) {
            // another instance created it meanwhile (with other settings: the same ones return it)
            if (e.getApiErrorCode() == STREAM_NAME_IN_USE) return jsm.getStreamInfo(name);
            throw e;
        }
    }

    private void check(StreamInfo info) {
        StreamConfiguration have = info.getConfiguration();
        List<String> subjects = have.getSubjects();
        boolean covered = subjects.stream().anyMatch(s -> matches(s, subject));
        if (!covered) {
            throw NatsFailures.of(Reason.CONFIGURATION, "JetStream stream " + name + " exists but its subjects " + subjects
                    + " do not cover the sync subject '" + subject + "'; add the subject to the stream, or set another "
                    + "streamName or key", null);
        }
        if (have.getRetentionPolicy() == RetentionPolicy.WorkQueue) {
            throw NatsFailures.of(Reason.CONFIGURATION, "JetStream stream " + name + " is a work-queue stream: each "
                    + "message would reach one instance only; sync needs a stream with limits retention", null);
        }
        exclusive = subjects.size() == 1 && subjects.get(0).equals(subject);
        if (checked) return;
        checked = true;
        List<String> diff = new ArrayList<>();
        StreamConfiguration want = wanted();
        if (have.getMaxMsgs() != want.getMaxMsgs()) diff.add("maxMessages " + have.getMaxMsgs() + " (configured " + want.getMaxMsgs() + ")");
        if (have.getMaxBytes() != want.getMaxBytes()) diff.add("maxBytes " + have.getMaxBytes() + " (configured " + want.getMaxBytes() + ")");
        if (!Objects.equals(have.getMaxAge(), want.getMaxAge())) diff.add("maxAge " + have.getMaxAge() + " (configured " + want.getMaxAge() + ")");
        if (have.getStorageType() != want.getStorageType()) diff.add("storage " + have.getStorageType() + " (configured " + want.getStorageType() + ")");
        if (!Objects.equals(have.getDuplicateWindow(), want.getDuplicateWindow())) {
            diff.add("duplicateWindow " + have.getDuplicateWindow() + " (configured " + want.getDuplicateWindow() + ")");
        }
        if (have.getRetentionPolicy() != RetentionPolicy.Limits) diff.add("retention " + have.getRetentionPolicy());
        if (have.getDiscardPolicy() != DiscardPolicy.Old) diff.add("discard " + have.getDiscardPolicy() + " (a full stream refuses publishes)");
        if (!exclusive) diff.add("subjects " + subjects + " (more than the sync subject: losses are found at reconnection only)");
        if (!diff.isEmpty()) {
            LOG.warn("nats sync: JetStream stream {} exists with other settings, used as it is: {}", name, String.join(", ", diff));
        }
    }

    /** Whether the subject filter {@code pattern} (with {@code *} and {@code >}) matches the subject. */
    static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) return i < s.length;
            if (i >= s.length) return false;
            if (!p[i].equals("*") && !p[i].equals(s[i])) return false;
        }
        return p.length == s.length;
    }
}
