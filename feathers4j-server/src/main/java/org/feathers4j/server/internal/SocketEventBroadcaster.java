package org.feathers4j.server.internal;

import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.feathers4j.channels.Broadcaster;
import org.feathers4j.channels.Connection;
import org.feathers4j.server.internal.SocketTransport.SocketConnection;

/**
 * Sends one event to many Socket.IO connections: the data becomes a JSON tree and a packet once,
 * encoded once by the server's own {@link FeathersPacketEncoder} (so the bytes are the ones the
 * library would write for each connection). Slow clients are checked first, as
 * {@link SocketConnection#send} does. Then, per connection:
 * <ul>
 * <li>a websocket connection is handed over with the others of its event loop, in one task; there,
 * if nothing of its own waits in its queue, it is written the <em>websocket frame</em> built once
 * for everybody (a duplicate of one shared buffer, straight to the frame encoder's place in the
 * pipeline: no per-connection encoding, copy or queueing), then each channel is flushed once;
 * otherwise (an ack waiting, say) the shared packet joins the queue behind it, keeping the order;</li>
 * <li>a polling connection, or a websocket not bound yet, gets the shared {@link EncodedEventPacket}
 * in its queue, which the library writes when it can.</li>
 * </ul>
 */
final class SocketEventBroadcaster implements Broadcaster {

    private static final EngineIOVersion[] VERSIONS = EngineIOVersion.values();

    private final ObjectMapper json;
    private final Supplier<FeathersPacketEncoder> encoder;
    private final ServerCounters counters;
    private final boolean sharedFrames;
    private final int maxFramePayload;

    /**
     * @param encoder         the started server's packet encoder (null before it started)
     * @param sharedFrames    whether websocket frames may be shared (not with per-message deflate,
     *                        which compresses each connection's frames on its own)
     * @param maxFramePayload above it the library splits a frame; such events go through the queue
     */
    SocketEventBroadcaster(ObjectMapper json, Supplier<FeathersPacketEncoder> encoder, ServerCounters counters,
                           boolean sharedFrames, int maxFramePayload) {
        this.json = json;
        this.encoder = encoder;
        this.counters = counters;
        this.sharedFrames = sharedFrames;
        this.maxFramePayload = maxFramePayload;
    }

    @Override
    public void send(String event, Object data, List<Connection> connections) {
        // a snapshot, as SocketConnection.send takes: an object that cannot be written fails here, for this event
        JsonNode tree = json.valueToTree(data);
        FeathersPacketEncoder enc = encoder.get();
        byte[] encoded = enc == null ? null : encode(enc, event, tree);
        Packet[] byVersion = new Packet[VERSIONS.length];
        Map<EventLoop, List<SocketConnection>> byLoop = new IdentityHashMap<>(8);
        Map<EventLoop, List<Packet>> packetsByLoop = new IdentityHashMap<>(8);
        int handed = 0;
        for (Connection c : connections) {
            if (!(c instanceof SocketConnection sc)) {
                c.send(event, data);
                continue;
            }
            if (!sc.admit()) continue;
            handed++;
            if (encoded == null || !sc.sharesPackets()) {
                sc.sendTree(event, tree);
                continue;
            }
            EngineIOVersion v = sc.head().getEngineIOVersion();
            Packet p = byVersion[v.ordinal()];
            if (p == null) p = byVersion[v.ordinal()] = new EncodedEventPacket(v, event, encoded);
            Channel ch = sc.websocketChannel();
            if (ch == null) {
                // polling, or the websocket not bound yet: the library queues it (and writes it when it can)
                sc.head().send(p);
                continue;
            }
            EventLoop loop = ch.eventLoop();
            byLoop.computeIfAbsent(loop, l -> new ArrayList<>()).add(sc);
            packetsByLoop.computeIfAbsent(loop, l -> new ArrayList<>()).add(p);
        }
        counters.eventsSent.addAndGet(handed);
        if (byLoop.isEmpty()) return;
        ByteBuf frame = sharedFrames && encoded != null && encoded.length <= maxFramePayload ? textFrame(encoded) : null;
        try {
            byLoop.forEach((loop, conns) -> handOver(loop, conns, packetsByLoop.get(loop), frame, counters));
        } finally {
            if (frame != null) frame.release();
        }
    }

    /** Writes the event to each connection on the loop's own thread: one task for all of them. */
    private static void handOver(EventLoop loop, List<SocketConnection> conns, List<Packet> packets, ByteBuf frame,
                                 ServerCounters counters) {
        if (frame != null) frame.retain(); // the task's reference, released when it has written
        Runnable write = () -> {
            try {
                writeAll(conns, packets, frame, counters);
            } finally {
                if (frame != null) frame.release();
            }
        };
        if (loop.inEventLoop()) {
            write.run();
            return;
        }
        try {
            loop.execute(write);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down (server stopping): let the library try, per connection
            write.run();
        }
    }

    private static void writeAll(List<SocketConnection> conns, List<Packet> packets, ByteBuf frame, ServerCounters counters) {
        List<ChannelHandlerContext> toFlush = frame == null ? null : new ArrayList<>(conns.size());
        for (int i = 0; i < conns.size(); i++) {
            SocketConnection sc = conns.get(i);
            if (!sc.isOpen()) continue;
            ChannelHandlerContext ctx = frame == null ? null : sc.frameEncoderContext();
            if (ctx != null) {
                ctx.write(frame.retainedDuplicate(), ctx.newPromise());
                toFlush.add(ctx);
            } else {
                sc.head().send(packets.get(i));
            }
        }
        if (toFlush != null) {
            for (ChannelHandlerContext ctx : toFlush) ctx.flush();
            counters.eventsSharedFrames.addAndGet(toFlush.size());
        }
    }

    /** An unmasked, final websocket text frame holding the payload (RFC 6455 5.2), as Netty's encoder writes it. */
    private static ByteBuf textFrame(byte[] payload) {
        int n = payload.length;
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(n + 10);
        buf.writeByte(0x81);
        if (n <= 125) {
            buf.writeByte(n);
        } else if (n <= 0xFFFF) {
            buf.writeByte(126);
            buf.writeShort(n);
        } else {
            buf.writeByte(127);
            buf.writeLong(n);
        }
        buf.writeBytes(payload);
        return buf;
    }

    /** The event's packet as the library encodes it for a websocket frame, or null if it needs attachments. */
    private static byte[] encode(FeathersPacketEncoder enc, String event, JsonNode tree) {
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        packet.setSubType(PacketType.EVENT);
        packet.setName(event);
        packet.setData(Arrays.asList(new Object[] {tree})); // as NamespaceClient.sendEvent(name, data)
        ByteBuf buf = ByteBufAllocator.DEFAULT.heapBuffer();
        try {
            enc.encodePacket(packet, buf, ByteBufAllocator.DEFAULT, true);
            return packet.hasAttachments() ? null : ByteBufUtil.getBytes(buf);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode '" + event + "'", e);
        } finally {
            buf.release();
        }
    }
}
