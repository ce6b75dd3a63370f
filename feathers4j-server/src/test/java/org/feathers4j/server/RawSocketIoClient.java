package org.feathers4j.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO v5 / Engine.IO v4 client over a real websocket ({@code java.net.http}) that keeps
 * every event frame exactly as the server wrote it (its text, {@code 42[...]}), so tests can
 * compare bytes between clients. Answers pings; connects to the default namespace.
 */
final class RawSocketIoClient implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Event packets, as received. */
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Binary frames received (attachments). */
    final List<byte[]> binary = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> connected = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    static RawSocketIoClient connect(int port) throws Exception {
        RawSocketIoClient c = new RawSocketIoClient();
        c.ws = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), c)
                .get(10, TimeUnit.SECONDS);
        c.connected.get(10, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            partial.setLength(0);
            if (frame.startsWith("0{")) webSocket.sendText("40", true);
            else if (frame.startsWith("40")) connected.complete(frame);
            else if (frame.equals("2")) webSocket.sendText("3", true);
            else if (frame.startsWith("42") || frame.startsWith("45")) events.add(frame);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binary.add(b);
        webSocket.request(1);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        connected.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (ws != null) ws.abort();
    }
}
