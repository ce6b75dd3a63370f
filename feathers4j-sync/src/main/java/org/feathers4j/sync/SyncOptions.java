package org.feathers4j.sync;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The options of sync, with their defaults:
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code uri}</td><td>required for {@link Sync#of(SyncOptions)}</td><td>the broker; its scheme picks the adapter</td></tr>
 *   <tr><td>{@code key}</td><td>{@code feathers-sync}</td><td>channel, exchange, subject or collection prefix</td></tr>
 *   <tr><td>{@code serializer}</td><td>{@link SyncSerializer#json()}</td><td>bytes on the wire</td></tr>
 *   <tr><td>{@code contextFilter}</td><td>{@link ContextFilter#defaults()}</td><td>what of the context is sent</td></tr>
 *   <tr><td>{@code maxMessageBytes}</td><td>1 MiB</td><td>larger messages are not sent, and dropped when received</td></tr>
 *   <tr><td>{@code bufferSize}</td><td>10,000</td><td>messages an adapter holds while disconnected; the oldest are dropped beyond it</td></tr>
 *   <tr><td>{@code batch}</td><td>{@code false}</td><td>coalesce the events published while a publish is
 *       in flight into one bus message; only for keys where every instance is feathers4j (see {@link #batch(boolean)})</td></tr>
 *   <tr><td>{@code acceptFrames}</td><td>{@code true}</td><td>read incoming batch frames (bounded to 512
 *       messages and 128 KiB); off drops every frame (see {@link #acceptFrames(boolean)})</td></tr>
 *   <tr><td>{@code deliveryQueueSize}</td><td>10,000</td><td>received messages waiting for delivery, at
 *       most; beyond it they are dropped and counted (see {@link #deliveryQueueSize(int)})</td></tr>
 *   <tr><td>{@code deliveryQueueBytes}</td><td>16 MiB</td><td>bytes of received messages waiting for
 *       delivery, at most (see {@link #deliveryQueueBytes(long)})</td></tr>
 *   <tr><td>{@code notReadyWarning}</td><td>10 s</td><td>an adapter not ready for this long logs a WARN
 *       (last error, events buffered), then again every three times this (see {@link #notReadyWarning(Duration)})</td></tr>
 *   <tr><td>{@code instanceId}</td><td>a random UUID</td><td>this instance's id on the wire ({@code origin})</td></tr>
 *   <tr><td>{@code resume}</td><td>{@link Resume#NEW}</td><td>where a durable mode starts when this instance
 *       starts: new messages only, or where this {@code instanceId} stopped (see {@link #resume(Resume)})</td></tr>
 *   <tr><td>{@code localFirst}</td><td>{@code false}</td><td>deliver this instance's own events at once instead of
 *       when they come back from the broker (see {@link #localFirst(boolean)})</td></tr>
 *   <tr><td>{@code signing}</td><td>none (unsigned, Node-compatible)</td><td>sign (and optionally encrypt) every
 *       bus message and drop what is unsigned or badly signed (see {@link #signing(SyncKeys)})</td></tr>
 *   <tr><td>{@code option(name, value)}</td><td>none</td><td>adapter-specific options, see each adapter's README</td></tr>
 * </table>
 *
 * <p>A mutable builder: configure it, then hand it to {@link Sync#of(SyncOptions)}, which takes a copy.
 */
public final class SyncOptions {

    /** The default key: channel, exchange or subject name shared with Node feathers-sync. */
    public static final String DEFAULT_KEY = "feathers-sync";

    /**
     * How long an adapter may stay not ready (connecting or reconnecting) before it logs a WARN:
     * 10 seconds, then the WARN repeats every 30 seconds (three times this) while it stays so.
     */
    public static final Duration DEFAULT_NOT_READY_WARNING = Duration.ofSeconds(10);

    /** Default of {@code deliveryQueueSize}: received messages waiting for delivery, at most. */
    public static final int DEFAULT_DELIVERY_QUEUE_SIZE = 10_000;

    /** Default of {@code deliveryQueueBytes}: bytes of received messages waiting for delivery, at most (16 MiB). */
    public static final long DEFAULT_DELIVERY_QUEUE_BYTES = 16L * 1024 * 1024;

    /** Where a durable mode starts reading when the instance starts. */
    public enum Resume {
        /** New messages only: what was published while this instance was down is not delivered (the default). */
        NEW,
        /**
         * Where this {@code instanceId} stopped, as far as the broker still keeps it (beyond that: a
         * {@link SyncGap}). Needs a fixed {@link #instanceId(String)}, and a durable adapter mode.
         */
        LAST
    }

    private String uri;
    private String key = DEFAULT_KEY;
    private SyncSerializer serializer = SyncSerializer.json();
    private ContextFilter contextFilter = ContextFilter.defaults();
    private int maxMessageBytes = 1024 * 1024;
    private int bufferSize = 10_000;
    private boolean batch;
    private boolean acceptFrames = true;
    private int deliveryQueueSize = DEFAULT_DELIVERY_QUEUE_SIZE;
    private long deliveryQueueBytes = DEFAULT_DELIVERY_QUEUE_BYTES;
    private Duration notReadyWarning = DEFAULT_NOT_READY_WARNING;
    private String instanceId = UUID.randomUUID().toString();
    private boolean instanceIdSet;
    private Resume resume = Resume.NEW;
    private boolean localFirst;
    private SyncKeys signing;
    private final Map<String, Object> adapterOptions = new LinkedHashMap<>();

    /** Options with the defaults and no URI. */
    public SyncOptions() {
    }

    /** Options with the defaults and this URI. */
    public static SyncOptions uri(String uri) {
        return new SyncOptions().setUri(uri);
    }

    /** The broker URI, or {@code null}. */
    public String uri() { return uri; }

    /** Sets the broker URI. */
    public SyncOptions setUri(String uri) { this.uri = uri; return this; }

    /** The key (channel, exchange, subject). */
    public String key() { return key; }

    /** Sets the key. */
    public SyncOptions key(String key) {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("sync key must not be empty");
        this.key = key;
        return this;
    }

    /** The serializer. */
    public SyncSerializer serializer() { return serializer; }

    /** Sets the serializer. */
    public SyncOptions serializer(SyncSerializer serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        return this;
    }

    /** The context filter. */
    public ContextFilter contextFilter() { return contextFilter; }

    /** Sets the context filter. */
    public SyncOptions contextFilter(ContextFilter filter) {
        this.contextFilter = Objects.requireNonNull(filter, "contextFilter");
        return this;
    }

    /** The size limit of one message in bytes. */
    public int maxMessageBytes() { return maxMessageBytes; }

    /** Sets the size limit of one message in bytes. */
    public SyncOptions maxMessageBytes(int bytes) {
        if (bytes < 64) throw new IllegalArgumentException("maxMessageBytes must be at least 64, got " + bytes);
        this.maxMessageBytes = bytes;
        return this;
    }

    /** How many messages an adapter buffers while disconnected. */
    public int bufferSize() { return bufferSize; }

    /** Sets how many messages an adapter buffers while disconnected ({@code 0}: none). */
    public SyncOptions bufferSize(int messages) {
        if (messages < 0) throw new IllegalArgumentException("bufferSize must be >= 0, got " + messages);
        this.bufferSize = messages;
        return this;
    }

    /** Whether outgoing events are batched, see {@link #batch(boolean)}. */
    public boolean batch() { return batch; }

    /**
     * Batches outgoing events under load. Off (the default), every event is one bus message in
     * feathers-sync's format, readable by Node feathers-sync. On, an event still goes out at once and
     * alone when no publish is in flight, but the events raised while one is in flight leave together
     * as one batch frame (up to 128 KiB or 512 events, within {@code maxMessageBytes}) when it
     * completes: no timer, no added latency at a low rate, far fewer bus messages under load. Only
     * feathers4j reads batch frames (every feathers4j instance does, batching on or off): turn it on
     * only where no Node feathers-sync instance shares the key.
     */
    public SyncOptions batch(boolean on) {
        this.batch = on;
        return this;
    }

    /** Whether incoming batch frames are read, see {@link #acceptFrames(boolean)}. */
    public boolean acceptFrames() { return acceptFrames; }

    /**
     * Whether this instance reads incoming batch frames (see {@link #batch(boolean)}). On by
     * default, so a cluster where some instances batch and others do not keeps working; frames are
     * bounded on receive as on send (512 messages, 128 KiB) and a larger one is dropped whole and
     * counted ({@code framesOversized}). Turn it off on keys shared only with Node feathers-sync,
     * which never sends frames: every frame is then dropped and counted ({@code framesRefused}).
     */
    public SyncOptions acceptFrames(boolean on) {
        this.acceptFrames = on;
        return this;
    }

    /** The most received messages waiting for delivery, see {@link #deliveryQueueSize(int)}. */
    public int deliveryQueueSize() { return deliveryQueueSize; }

    /**
     * Bounds the queue between a broker client's thread and sync, in messages, for adapters that
     * hand received messages to a thread of their own (Redis; see each adapter's README for how
     * the others are bounded). When it is full, or {@link #deliveryQueueBytes(long)} would be
     * exceeded, an arriving message is dropped, counted ({@code deliveryDropped}) and logged at
     * most every 10 s; an event lost so shows as a sequence gap ({@code gaps}). Default
     * {@link #DEFAULT_DELIVERY_QUEUE_SIZE}: a flood costs bounded memory and delays a real event by
     * at most the time sync takes to handle that many messages.
     */
    public SyncOptions deliveryQueueSize(int messages) {
        if (messages < 1) throw new IllegalArgumentException("deliveryQueueSize must be at least 1, got " + messages);
        this.deliveryQueueSize = messages;
        return this;
    }

    /** The most bytes of received messages waiting for delivery, see {@link #deliveryQueueBytes(long)}. */
    public long deliveryQueueBytes() { return deliveryQueueBytes; }

    /**
     * Bounds the queue between a broker client's thread and sync, in bytes of message bodies (see
     * {@link #deliveryQueueSize(int)}). Default {@link #DEFAULT_DELIVERY_QUEUE_BYTES}; at least
     * {@code maxMessageBytes} is sensible, so one large message can always wait.
     */
    public SyncOptions deliveryQueueBytes(long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("deliveryQueueBytes must be at least 1, got " + bytes);
        this.deliveryQueueBytes = bytes;
        return this;
    }

    /** After how long not ready an adapter logs a WARN; see {@link #notReadyWarning(Duration)}. */
    public Duration notReadyWarning() { return notReadyWarning; }

    /**
     * Sets after how long an adapter that is not ready (still connecting, or reconnecting after a
     * loss) logs a WARN naming its last error and how many events it buffers; the WARN repeats
     * every three times this while the adapter stays not ready. Default
     * {@link #DEFAULT_NOT_READY_WARNING}; {@link Duration#ZERO} turns the warning off.
     */
    public SyncOptions notReadyWarning(Duration after) {
        Objects.requireNonNull(after, "notReadyWarning");
        if (after.isNegative()) throw new IllegalArgumentException("notReadyWarning must not be negative, got " + after);
        this.notReadyWarning = after;
        return this;
    }

    /** This instance's id on the wire. */
    public String instanceId() { return instanceId; }

    /**
     * Sets this instance's id on the wire (default: a random UUID). The {@code origin} of its
     * messages is this id, {@code ~} and a boot epoch drawn at each start, so an instance restarted
     * with a fixed id starts a new sequence that receivers do not take for its old one.
     */
    public SyncOptions instanceId(String id) {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("instanceId must not be empty");
        this.instanceId = id;
        this.instanceIdSet = true;
        return this;
    }

    /** Whether {@link #instanceId(String)} was set, rather than drawn at random. */
    public boolean instanceIdFixed() { return instanceIdSet; }

    /** Where a durable mode starts when this instance starts; see {@link #resume(Resume)}. */
    public Resume resume() { return resume; }

    /**
     * Where a durable adapter mode (Redis Streams, NATS JetStream, AMQP's per-instance queue, MongoDB)
     * starts when this instance starts: {@link Resume#NEW} (default) delivers only what is published
     * from then on; {@link Resume#LAST} delivers, first, what was published since this
     * {@link #instanceId(String)} stopped, as far as the broker still keeps it (older than that is
     * reported as a {@link SyncGap}). After a reconnect while running, durable modes always resume
     * where they were. {@code LAST} needs a fixed instance id ({@link Sync#of} refuses it otherwise)
     * and an adapter mode that can resume (a pub/sub mode refuses it).
     */
    public SyncOptions resume(Resume where) {
        this.resume = Objects.requireNonNull(where, "resume");
        return this;
    }

    /** Whether this instance delivers its own events at once; see {@link #localFirst(boolean)}. */
    public boolean localFirst() { return localFirst; }

    /**
     * Local first: this instance emits its own service events to its listeners and clients at once,
     * as without sync, and drops their echo from the broker; other instances get them through the
     * broker as always. Its clients then stay live while the broker is down. What it changes: the
     * order of events across instances may differ between instances (an instance sees its own event
     * before one another instance published earlier), and an event that never reaches the broker was
     * still seen here. Off by default: every instance then sees every event in the broker's order,
     * its own included (feathers-sync's semantics).
     */
    public SyncOptions localFirst(boolean on) {
        this.localFirst = on;
        return this;
    }

    /** The keys of the authenticated bus, or {@code null} (the default) for an unsigned bus. */
    public SyncKeys signing() { return signing; }

    /**
     * Authenticates the bus: every message this instance sends is signed with the signing key of
     * {@code keys} (HMAC-SHA-256, and encrypted with AES-256-GCM when {@link SyncKeys#encrypt(boolean)}
     * is on), and every message it receives must verify with one of the keys, or it is dropped and
     * counted ({@code unsigned}, {@code badSignature}). Every instance on the key needs the keys;
     * Node feathers-sync cannot sign, so it can neither send to nor receive from a signed bus.
     * {@code null} turns signing off (the default).
     */
    public SyncOptions signing(SyncKeys keys) {
        this.signing = keys;
        return this;
    }

    /** Sets an adapter-specific option, e.g. {@code option("collection", "events")}. */
    public SyncOptions option(String name, Object value) {
        adapterOptions.put(Objects.requireNonNull(name, "name"), value);
        return this;
    }

    /** The adapter-specific options; unmodifiable. */
    public Map<String, Object> options() { return Collections.unmodifiableMap(adapterOptions); }

    /** An adapter-specific option, or {@code fallback} when unset. */
    @SuppressWarnings("unchecked")
    public <T> T optionOr(String name, T fallback) {
        Object v = adapterOptions.get(name);
        return v == null ? fallback : (T) v;
    }

    /**
     * The URI parsed, with its scheme checked.
     *
     * @throws IllegalArgumentException if the URI is missing or malformed
     */
    public URI parsedUri() {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("sync needs a 'uri' such as redis://localhost:6379, amqp://localhost, "
                    + "nats://localhost:4222, mongodb://localhost/db or memory://name");
        }
        try {
            URI u = new URI(uri.trim());
            if (u.getScheme() == null) throw new IllegalArgumentException("sync uri '" + redact(uri) + "' has no scheme");
            return u;
        } catch (URISyntaxException e) {
            // without the cause: a URISyntaxException's message quotes the raw URI, password included
            throw new IllegalArgumentException("sync uri '" + redact(uri) + "' is malformed: " + e.getReason()
                    + " at index " + e.getIndex());
        }
    }

    /** A copy of these options. */
    public SyncOptions copy() {
        SyncOptions c = new SyncOptions();
        c.uri = uri;
        c.key = key;
        c.serializer = serializer;
        c.contextFilter = contextFilter;
        c.maxMessageBytes = maxMessageBytes;
        c.bufferSize = bufferSize;
        c.batch = batch;
        c.acceptFrames = acceptFrames;
        c.deliveryQueueSize = deliveryQueueSize;
        c.deliveryQueueBytes = deliveryQueueBytes;
        c.notReadyWarning = notReadyWarning;
        c.instanceId = instanceId;
        c.instanceIdSet = instanceIdSet;
        c.resume = resume;
        c.localFirst = localFirst;
        c.signing = signing;
        c.adapterOptions.putAll(adapterOptions);
        return c;
    }

    /**
     * The URI with its secrets replaced by {@code ***}, for logs and messages. It is parsed, not
     * matched: the user info of every host of a comma-separated list ({@code nats://u:p@h1,u:p@h2})
     * keeps its user name and loses its password ({@code u:***}), or is masked whole when it has no
     * colon (a bare token, as in {@code nats://token@host} or {@code redis://password@host}). A
     * password may hold {@code /}, {@code @}, {@code :}, {@code #}, {@code ?} or percent-escapes:
     * the user info ends at the last {@code @} of the URI, so a path, query or fragment that holds
     * an {@code @} is masked too (too much rather than too little). Without {@code ://} everything
     * up to the last {@code @} is masked. Never throws.
     *
     * @param uri a URI, or {@code null}
     * @return the URI without its secrets, or {@code null}
     */
    public static String redact(String uri) {
        if (uri == null) return null;
        int start = uri.indexOf("://");
        int lastAt = uri.lastIndexOf('@');
        if (lastAt < 0) return uri; // no user info, nothing secret in the authority
        if (start < 0 || start > lastAt) {
            // not a URI we can parse: hide all that can be user info (a scheme too: it cannot be told from a user)
            return "***" + uri.substring(lastAt);
        }
        start += 3;
        // the user info parts sit between the start and the last '@'; the segments between two '@'s
        // are "host,userinfo" when they hold a comma (a host holds none), else part of a password
        StringBuilder out = new StringBuilder(uri.length()).append(uri, 0, start);
        String authority = uri.substring(start, lastAt);
        String[] segments = authority.split("@", -1);
        StringBuilder info = new StringBuilder(segments[0]);
        for (int i = 1; i < segments.length; i++) {
            String seg = segments[i];
            int comma = seg.indexOf(',');
            if (comma < 0 || !HOST.matcher(seg.substring(0, comma)).matches()) {
                info.append('@').append(seg); // an '@' inside a password
                continue;
            }
            out.append(maskUserInfo(info.toString())).append('@').append(seg, 0, comma + 1);
            info.setLength(0);
            info.append(seg.substring(comma + 1));
        }
        return out.append(maskUserInfo(info.toString())).append(uri.substring(lastAt)).toString();
    }

    /** What a host (and port) of a host list may hold; anything else before a comma is part of a password. */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("[A-Za-z0-9._~\\-\\[\\]:%]+");

    /** {@code user:***}, or {@code ***} for a bare token; the user name is what precedes the first colon. */
    private static String maskUserInfo(String info) {
        int colon = info.indexOf(':');
        return colon < 0 ? "***" : info.substring(0, colon) + ":***";
    }

    @Override
    public String toString() {
        return "SyncOptions{uri=" + redact(uri) + ", key=" + key + ", signing=" + signing + ", options=" + adapterOptions.keySet() + "}";
    }
}
