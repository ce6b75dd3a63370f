package org.feathers4j.server.internal;

import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;

/**
 * A Socket.IO event packet already encoded, shared (the same instance, never changed) by the
 * queues of every connection of one Engine.IO version that gets the same event with the same
 * data; {@link FeathersPacketEncoder} writes its bytes. Plain heap bytes, not a Netty buffer, so a
 * queue dropped with its connection leaks nothing.
 */
final class EncodedEventPacket extends Packet {

    private static final long serialVersionUID = 1L;

    private final byte[] encoded;

    /** @param encoded the packet as the library encodes it for a websocket frame ({@code 42["name",data]}) */
    EncodedEventPacket(EngineIOVersion version, String name, byte[] encoded) {
        super(PacketType.MESSAGE, version);
        setSubType(PacketType.EVENT);
        setName(name);
        this.encoded = encoded;
    }

    byte[] encoded() {
        return encoded;
    }
}
