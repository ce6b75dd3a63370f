package org.feathers4j.server.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * netty-socketio's packet encoder with two changes:
 * <ul>
 * <li>An {@link EncodedEventPacket} (an event encoded once for all the connections that get it)
 * is written as its bytes, not encoded again for each connection.</li>
 * <li>Works around netty-socketio 2.0.13/2.0.14 losing packets over long-polling: its
 * {@code encodePackets} takes a packet off the queue before checking its limit (50 per poll), so
 * the 51st packet of a full poll is dropped. Here at most {@code limit} packets are moved to a
 * private queue which the library then encodes completely; the rest stay queued for the next
 * poll.</li>
 * </ul>
 */
public final class FeathersPacketEncoder extends PacketEncoder {

    public FeathersPacketEncoder(Configuration configuration, JsonSupport jsonSupport) {
        super(configuration, jsonSupport);
    }

    @Override
    public void encodePacket(Packet packet, ByteBuf buffer, ByteBufAllocator allocator, boolean binary)
            throws IOException {
        if (!(packet instanceof EncodedEventPacket e)) {
            super.encodePacket(packet, buffer, allocator, binary);
            return;
        }
        byte[] bytes = e.encoded();
        // the library's framing of a packet in an Engine.IO v1-3 polling payload: 0, length digits, 0xff
        if (!binary && !EngineIOVersion.V4.equals(packet.getEngineIOVersion())) {
            buffer.writeByte(0);
            buffer.writeBytes(longToBytes(bytes.length));
            buffer.writeByte(0xff);
        }
        buffer.writeBytes(bytes);
    }

    @Override
    public void encodePackets(Queue<Packet> packets, ByteBuf buffer, ByteBufAllocator allocator, int limit)
            throws IOException {
        super.encodePackets(take(packets, limit), buffer, allocator, Integer.MAX_VALUE);
    }

    @Override
    public void encodeJsonP(Integer jsonpIndex, Queue<Packet> packets, ByteBuf out, ByteBufAllocator allocator,
                            int limit) throws IOException {
        super.encodeJsonP(jsonpIndex, take(packets, limit), out, allocator, Integer.MAX_VALUE);
    }

    private static Queue<Packet> take(Queue<Packet> packets, int limit) {
        Queue<Packet> batch = new ArrayDeque<>(Math.min(Math.max(limit, 1), 64));
        while (batch.size() < limit) {
            Packet p = packets.poll();
            if (p == null) break;
            batch.add(p);
        }
        return batch;
    }
}
