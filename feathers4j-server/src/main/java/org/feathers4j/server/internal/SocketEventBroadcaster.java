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
 * library would write for each connection); every connection's queue gets the same
 * {@link EncodedEventPacket}. Websocket connections are handed over per event loop, one task for
 * all the connections of a loop (which then queue and write on their own thread, without a task
 * each); polling connections, and websocket ones not bound yet, are queued by the library as
 * before. Slow clients are checked first, as {@link SocketConnection#send} does.
 */
final class SocketEventBroadcaster implements Broadcaster {

    private static final EngineIOVersion[] VERSIONS = EngineIOVersion.values();

    private final ObjectMapper json;
    private final Supplier<FeathersPacketEncoder> encoder;
    private final ServerCounters counters;

    /** @param encoder the started server's packet encoder (null before it started) */
    SocketEventBroadcaster(ObjectMapper json, Supplier<FeathersPacketEncoder> encoder, ServerCounters counters) {
        this.json = json;
        this.encoder = encoder;
        this.counters = counters;
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
        byLoop.forEach((loop, conns) -> handOver(loop, conns, packetsByLoop.get(loop)));
    }

    /** Queues and writes each packet on the loop's own thread: one task for all its connections. */
    private static void handOver(EventLoop loop, List<SocketConnection> conns, List<Packet> packets) {
        Runnable write = () -> {
            for (int i = 0; i < conns.size(); i++) {
                SocketConnection sc = conns.get(i);
                if (sc.isOpen()) sc.head().send(packets.get(i));
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
