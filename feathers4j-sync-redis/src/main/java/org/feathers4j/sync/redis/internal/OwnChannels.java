package org.feathers4j.sync.redis.internal;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * What the adapter adds to the channels of the client resources it makes itself (not to a client or resources
 * it is given). Each saves a system call or a thread wake-up per message under load:
 * <ul>
 *   <li>flush consolidation: a PUBLISH is a write task on the connection's event loop and would be flushed
 *       alone; the flush waits until the tasks already queued have run, so a burst leaves in few writes while a
 *       lone PUBLISH is still flushed at once;</li>
 *   <li>one hand-off per read: the messages decoded from one read go to the delivery thread together, when the
 *       read completes, instead of one hand-off each.</li>
 * </ul>
 */
final class OwnChannels implements NettyCustomizer {

    private volatile Subscriber subscriber;

    /** Sets whom to tell that a read completed. */
    void readsTo(Subscriber s) {
        subscriber = s;
        s.handOffPerRead();
    }

    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addFirst(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                Subscriber s = subscriber;
                if (s != null) s.readComplete();
                ctx.fireChannelReadComplete();
            }
        });
    }
}
