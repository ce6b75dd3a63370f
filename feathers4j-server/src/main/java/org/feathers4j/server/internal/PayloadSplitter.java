package org.feathers4j.server.internal;

import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Works around a buffer leak in netty-socketio 2.0.14: when an Engine.IO v4 polling POST carries
 * several packets (separated by {@code 0x1E}), its {@code PacketDecoder} copies each packet but
 * the first into a buffer it never releases (pooled memory lost per batched POST). This handler,
 * placed before the library's packet handler, passes each packet on as its own message (a slice of
 * the request body, used synchronously), so the decoder never copies. A raw {@code 0x1E} cannot
 * occur inside a packet: JSON escapes control characters and binary packets are base64 there.
 */
@ChannelHandler.Sharable
public final class PayloadSplitter extends ChannelInboundHandlerAdapter {

    private static final byte SEPARATOR = 0x1E;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof PacketsMessage m) || m.getClient() == null
                || m.getClient().getEngineIOVersion() != EngineIOVersion.V4) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = m.getContent();
        if (content.bytesBefore(SEPARATOR) < 0) {
            ctx.fireChannelRead(msg);
            return;
        }
        while (content.isReadable()) {
            int len = content.bytesBefore(SEPARATOR);
            ByteBuf one = len < 0 ? content.readSlice(content.readableBytes()) : content.readSlice(len);
            if (len >= 0) content.skipBytes(1);
            if (one.isReadable()) ctx.fireChannelRead(new PacketsMessage(m.getClient(), one, m.getTransport()));
        }
    }
}
