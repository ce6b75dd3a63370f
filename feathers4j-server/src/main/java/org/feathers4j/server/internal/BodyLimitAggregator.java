package org.feathers4j.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * netty-socketio's aggregator, with an answer for bodies over the limit. Netty's own 413 is written
 * from the aggregator's place in the pipeline, before the HTTP encoder, so it never reached the
 * wire and the client saw a closed connection. This one writes a Feathers {@code 413} error
 * through the whole pipeline, then closes (the rest of the body is not read). Like the library's,
 * it sends no {@code 100 Continue}.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {

    private static final Logger LOG = LoggerFactory.getLogger(BodyLimitAggregator.class);
    private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOG, 10, 60_000);

    public BodyLimitAggregator(int maxContentLength) {
        super(maxContentLength);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        return null;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        WARNINGS.warn("HTTP body from {} refused: over {} bytes", ctx.channel().remoteAddress(), maxContentLength());
        byte[] body = ("{\"name\":\"PayloadTooLarge\",\"message\":\"The body is larger than " + maxContentLength()
                + " bytes\",\"code\":413,\"className\":\"payload-too-large\"}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8");
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(res, body.length);
        // from the channel, i.e. the pipeline's tail: through the encoder (and CORS headers)
        ctx.channel().writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
