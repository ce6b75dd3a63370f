package org.feathers4j.server.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP connection that has not delivered a complete request within the timeout of
 * opening or of its last response: an idle keep-alive connection, and a request whose headers or
 * body trickle in (slowloris, also on the second request of a keep-alive connection, which a
 * read-idle timer would miss as long as a byte comes now and then). The clock stops while a request
 * is being answered (a long-poll may wait for data) and the handler leaves the pipeline when the
 * connection becomes a websocket, which has Engine.IO's ping timeout. One instance per channel,
 * placed where it sees aggregated requests and unencoded responses.
 */
final class IdleTimeout extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IdleTimeout.class);

    private final long timeoutMs;
    private ScheduledFuture<?> timer;
    /** Requests received and not yet answered (more than one only if a client pipelines). */
    private int pending;

    IdleTimeout(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) arm(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest) {
            pending++;
            disarm();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse res && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(res.status())) {
            disarm();
            ctx.pipeline().remove(this);
        } else if (msg instanceof LastHttpContent) {
            // the answer is complete once written: the next request's clock starts then
            promise = promise.unvoid();
            promise.addListener(f -> {
                if (pending > 0) pending--;
                if (pending == 0 && ctx.channel().isActive() && ctx.pipeline().context(this) != null) arm(ctx);
            });
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        timer = ctx.executor().schedule(() -> {
            LOG.debug("closing {}: no complete HTTP request within {} ms", ctx.channel().remoteAddress(), timeoutMs);
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
