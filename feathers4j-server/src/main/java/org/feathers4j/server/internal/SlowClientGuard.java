package org.feathers4j.server.internal;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backpressure for Socket.IO websocket channels. While the channel's outbound buffer is above the
 * high water mark the client is not read from (its calls wait in its own TCP buffers instead of
 * piling up answers it does not read), and {@link SocketTransport} drops its events; if it stays
 * there longer than the grace period the channel is closed: {@code ClientHead.disconnect()} would
 * wait for a disconnect packet to be written, which a client that does not read never lets happen.
 * REST, static and polling channels are left alone (a slow download is not an attack on events).
 * One instance per channel; runs on its event loop.
 */
final class SlowClientGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);

    private final FlowLimits limits;
    private final ServerCounters counters;
    private ScheduledFuture<?> expiry;

    SlowClientGuard(FlowLimits limits, ServerCounters counters) {
        this.limits = limits;
        this.counters = counters;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        if (isSocketIoWebsocket(ch)) {
            boolean writable = ch.isWritable();
            ch.config().setAutoRead(writable);
            if (writable) {
                cancel();
            } else if (expiry == null && limits.slowClientGraceMs() > 0) {
                expiry = ctx.executor().schedule(() -> expire(ch), limits.slowClientGraceMs(), TimeUnit.MILLISECONDS);
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void cancel() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }

    private void expire(Channel ch) {
        expiry = null;
        if (ch.isWritable() || !ch.isActive()) return;
        counters.slowClientsDisconnected.incrementAndGet();
        ClientHead head = ch.attr(ClientHead.CLIENT).get();
        LOG.warn("socket {} from {}: outbound buffer above {} bytes for {} ms (the client does not read); disconnecting it",
                head == null ? "?" : head.getSessionId(), ch.remoteAddress(), limits.outboundHighWaterMarkBytes(),
                limits.slowClientGraceMs());
        ch.close();
    }

    private static boolean isSocketIoWebsocket(Channel ch) {
        ClientHead head = ch.attr(ClientHead.CLIENT).get();
        return head != null && head.isTransportChannel(ch, Transport.WEBSOCKET);
    }
}
