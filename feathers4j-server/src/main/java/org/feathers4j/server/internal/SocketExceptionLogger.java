package org.feathers4j.server.internal;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListener;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what netty-socketio reports. Its default logs a client that went away (connection reset,
 * broken pipe: every browser tab closed mid-request, every client process that exits) as an ERROR
 * with a stack trace, which buries real errors; here that is DEBUG. Other channel errors come from
 * what a client sent (a decoder's exception message can quote the input, passwords included), so
 * they are logged at WARN with the exception's class only, rate-limited, and the stack at DEBUG.
 */
public final class SocketExceptionLogger implements ExceptionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SocketExceptionLogger.class);
    private static final RateLimitedLog CHANNEL_ERRORS = new RateLimitedLog(LOG, 10, 60_000);

    @Override
    public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("connection from {} ended: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return true;
        }
        CHANNEL_ERRORS.warn("connection from {} closed after {} (message withheld: it may quote client input)",
                ctx.channel().remoteAddress(), cause.getClass().getName());
        LOG.debug("connection from {}: the channel error", ctx.channel().remoteAddress(), cause);
        // handled here: passed on, Netty's pipeline tail would log it again, message and all
        ctx.close();
        return true;
    }

    @Override
    public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
        LOG.error("socket {}: an event handler failed", client.getSessionId(), e);
    }

    @Override
    public void onDisconnectException(Exception e, SocketIOClient client) {
        LOG.error("socket {}: the disconnect handler failed", client.getSessionId(), e);
    }

    @Override
    public void onConnectException(Exception e, SocketIOClient client) {
        LOG.error("socket {}: the connect handler failed", client.getSessionId(), e);
    }

    @Override
    public void onPingException(Exception e, SocketIOClient client) {
        LOG.error("socket {}: ping handling failed", client.getSessionId(), e);
    }

    @Override
    public void onPongException(Exception e, SocketIOClient client) {
        LOG.error("socket {}: pong handling failed", client.getSessionId(), e);
    }

    @Override
    public void onAuthException(Throwable e, SocketIOClient client) {
        LOG.error("socket {}: authorization failed", client.getSessionId(), e);
    }
}
