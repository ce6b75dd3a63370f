package org.feathers4j.server.internal;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import org.feathers4j.errors.BadRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each Socket.IO packet before netty-socketio decodes it (placed after
 * {@link PayloadSplitter}, so one packet per message). The library logs a packet it cannot decode
 * at ERROR <em>with the whole packet</em> (passwords included) and never acks it; here a packet whose
 * header or JSON is malformed, or whose JSON is nested deeper than the limit, is dropped, logged at
 * WARN without its content (rate-limited), and answered with a {@code BadRequest} ack when it asked
 * for one, so the client's call fails instead of hanging. The connection stays open.
 *
 * <p>Engine.IO v4 text packets only: attachments of a binary event (raw frames) and older
 * protocol versions pass unchecked.
 */
@ChannelHandler.Sharable
public final class PacketGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PacketGuard.class);

    private final JsonInput json;
    private final int maxArgDepth;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, 60_000);

    /** @param json reads with a nesting limit one above the arguments' (the event array is a level) */
    public PacketGuard(JsonInput json, int maxArgDepth) {
        this.json = json;
        this.maxArgDepth = maxArgDepth;
    }

    /** Packets refused so far. */
    public long refused() {
        return warnings.total();
    }

    /** What the header says, as far as it was read. */
    private static final class Header {
        String nsp = Namespace.DEFAULT_NAME;
        Long ackId;
        boolean event;
        int jsonStart = -1;
        String problem;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof PacketsMessage m) || m.getClient() == null
                || m.getClient().getEngineIOVersion() != EngineIOVersion.V4 || awaitsAttachment(m.getClient())) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf content = m.getContent();
        Header h = header(content);
        if (h.problem == null && h.jsonStart >= 0) {
            ByteBuf body = content.slice(h.jsonStart, content.writerIndex() - h.jsonStart);
            JsonInput.Verdict v = json.check(new ByteBufInputStream(body));
            if (v.problem() == JsonInput.Problem.TOO_DEEP) {
                h.problem = "JSON nested deeper than " + maxArgDepth + " levels";
            } else if (!v.ok()) {
                h.problem = "malformed JSON near byte " + (h.jsonStart + v.offset());
            }
        }
        if (h.problem == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        ClientHead client = m.getClient();
        warnings.warn("Socket.IO packet refused from {} (session {}, {} bytes): {}", client.getRemoteAddress(),
                client.getSessionId(), content.readableBytes(), h.problem);
        if (h.event && h.ackId != null) {
            Packet ack = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
            ack.setSubType(PacketType.ACK);
            ack.setNsp(h.nsp);
            ack.setAckId(h.ackId);
            ack.setData(List.of(new BadRequest("Invalid Socket.IO packet: " + h.problem).toJson()));
            client.send(ack);
        }
    }

    private static boolean awaitsAttachment(ClientHead client) {
        Packet last = client.getLastBinaryPacket();
        return last != null && last.hasAttachments() && !last.isAttachmentsLoaded();
    }

    /**
     * Reads {@code <engine type>[<socket type>[<attachments>-][<nsp>,][<ack id>]][JSON]} as Engine.IO
     * v4 / Socket.IO v5 define it; anything else is a problem.
     */
    private static Header header(ByteBuf buf) {
        Header h = new Header();
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        if (i >= end) {
            h.problem = "empty packet";
            return h;
        }
        byte engine = buf.getByte(i++);
        if (engine < '1' || engine > '6') {
            h.problem = "unknown Engine.IO packet type";
            return h;
        }
        if (engine != '4') {
            // ping/pong carry at most a short probe; longer ones are not what v4 clients send
            if (end - i > 16) h.problem = "unexpected data after Engine.IO packet type";
            return h;
        }
        if (i >= end) {
            h.problem = "empty Socket.IO packet";
            return h;
        }
        byte type = buf.getByte(i++);
        switch (type) {
            case '0', '1' -> { // CONNECT [nsp,][auth JSON], DISCONNECT [nsp,]
                if (i < end && buf.getByte(i) == '/') {
                    int comma = indexOf(buf, i, end, (byte) ',');
                    i = comma < 0 ? end : comma + 1;
                }
                if (i < end) {
                    if (type == '1' || buf.getByte(i) != '{') h.problem = "unexpected data in a connect/disconnect packet";
                    else h.jsonStart = i;
                }
                return h;
            }
            case '2', '3', '5', '6' -> {
                h.event = type == '2' || type == '5';
                if (type == '5' || type == '6') {
                    int start = i;
                    while (i < end && isDigit(buf.getByte(i))) i++;
                    if (i == start || i - start > 3 || i >= end || buf.getByte(i) != '-') {
                        h.problem = "bad attachment count";
                        return h;
                    }
                    i++;
                }
                if (i < end && buf.getByte(i) == '/') {
                    int comma = indexOf(buf, i, end, (byte) ',');
                    int bracket = indexOf(buf, i, end, (byte) '[');
                    if (comma < 0 || (bracket >= 0 && bracket < comma)) {
                        h.problem = "bad namespace";
                        return h;
                    }
                    h.nsp = buf.toString(i, comma - i, java.nio.charset.StandardCharsets.UTF_8);
                    i = comma + 1;
                }
                int start = i;
                while (i < end && isDigit(buf.getByte(i))) i++;
                if (i - start > 15) {
                    h.problem = "bad ack id";
                    return h;
                }
                if (i > start) h.ackId = Long.parseLong(buf.toString(start, i - start, java.nio.charset.StandardCharsets.US_ASCII));
                if (i >= end || buf.getByte(i) != '[') {
                    h.problem = "no JSON array";
                    return h;
                }
                h.jsonStart = i;
                return h;
            }
            default -> {
                h.problem = "unknown Socket.IO packet type";
                return h;
            }
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int indexOf(ByteBuf buf, int from, int to, byte b) {
        int n = buf.indexOf(from, to, b);
        return n;
    }
}
