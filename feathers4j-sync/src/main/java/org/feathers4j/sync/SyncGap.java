package org.feathers4j.sync;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Events this instance knows it missed, emitted as the application event {@link Sync#SYNC_GAP}
 * (its one argument), so the application can tell its clients to fetch again what they show:
 *
 * <pre>{@code
 * app.on(Sync.SYNC_GAP, args -> {
 *     SyncGap gap = (SyncGap) args[0];
 *     channels.channel("everybody").connections().forEach(c -> c.send("resync", gap.toMap()));
 * });
 * }</pre>
 *
 * A gap is known in two ways: the sequence numbers of one sender skip some (pub/sub modes lose what is
 * published while a subscriber is cut off; {@link Reason#SEQ_GAP}, exact), or the adapter finds it cannot
 * resume where it stopped (a durable mode whose retention was exceeded, or whose broker lost its data;
 * the count is then an estimate or {@link #UNKNOWN}). Also counted: {@code gapEvents} in the sync counters.
 *
 * <p>On an unsigned bus anyone who can publish on the key can forge sequence numbers, and so gaps; sign
 * the bus ({@link SyncOptions#signing(SyncKeys)}) where that matters.
 *
 * @param reason    why events are missing
 * @param origin    the sender whose events are missing ({@code <instanceId>~<boot>}, as on the wire), or
 *                  {@code null} when they may be from any sender
 * @param firstSeq  the first missing sequence number of {@code origin}, or {@link #UNKNOWN}
 * @param lastSeq   the last missing sequence number of {@code origin}, or {@link #UNKNOWN}
 * @param missed    how many messages were missed (exact for {@link Reason#SEQ_GAP}, else an estimate), or
 *                  {@link #UNKNOWN}
 * @param detail    what happened, for a log line; never holds message content
 */
public record SyncGap(Reason reason, String origin, long firstSeq, long lastSeq, long missed, String detail) {

    /** A number that is not known. */
    public static final long UNKNOWN = -1;

    /** Why events are missing. */
    public enum Reason {
        /** A sender's sequence numbers skipped: the messages in between never arrived (pub/sub modes). */
        SEQ_GAP,
        /** A durable mode could not resume where it stopped: the broker no longer keeps those messages. */
        RETENTION_EXCEEDED,
        /** The broker lost the stored messages (e.g. an in-memory broker restarted, a stream was deleted). */
        BROKER_DATA_LOST,
        /** The adapter's consumer on the broker was reset or recreated and could not continue from its position. */
        CONSUMER_RESET
    }

    /**
     * @throws NullPointerException if {@code reason} or {@code detail} is null
     */
    public SyncGap {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** A gap that an adapter detected, sender unknown: {@code missed} is an estimate or {@link #UNKNOWN}. */
    public static SyncGap of(Reason reason, long missed, String detail) {
        return new SyncGap(reason, null, UNKNOWN, UNKNOWN, missed, detail);
    }

    /** The instance id of {@link #origin()} (what precedes its {@code ~}), or {@code null}. */
    public String instanceId() {
        if (origin == null) return null;
        int i = origin.indexOf('~');
        return i < 0 ? origin : origin.substring(0, i);
    }

    /** The gap as a JSON-friendly map (reason, origin, instanceId, firstSeq, lastSeq, missed, detail), e.g. to send to clients. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", reason.name());
        m.put("origin", origin);
        m.put("instanceId", instanceId());
        m.put("firstSeq", firstSeq);
        m.put("lastSeq", lastSeq);
        m.put("missed", missed);
        m.put("detail", detail);
        return m;
    }
}
