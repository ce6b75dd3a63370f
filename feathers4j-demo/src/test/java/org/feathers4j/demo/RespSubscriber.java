package org.feathers4j.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A bare Redis pub/sub listener over the RESP protocol (PSUBSCRIBE *), so the tests can see what
 * really passes through the embedded Redis without depending on a Redis client library.
 */
final class RespSubscriber implements AutoCloseable {

    private final Socket socket = new Socket();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Thread reader;

    RespSubscriber(String host, int port) throws IOException {
        socket.connect(new InetSocketAddress(host, port), 2000);
        OutputStream out = socket.getOutputStream();
        out.write("*2\r\n$10\r\nPSUBSCRIBE\r\n$1\r\n*\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        reader = new Thread(() -> {
            try {
                while (true) messages.add(String.valueOf(read(in)));
            } catch (IOException e) {
                // closed
            }
        }, "resp-subscriber");
        reader.setDaemon(true);
        reader.start();
    }

    /** Everything received so far, each push rendered as text. */
    List<String> messages() {
        return messages;
    }

    /** Sends PING over a fresh connection and returns the reply line. */
    static String ping(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return line(s.getInputStream());
        }
    }

    private static Object read(InputStream in) throws IOException {
        String l = line(in);
        if (l.isEmpty()) throw new IOException("empty RESP line");
        char type = l.charAt(0);
        String rest = l.substring(1);
        switch (type) {
            case '+', '-', ':' -> {
                return rest;
            }
            case '$' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) return null;
                byte[] b = in.readNBytes(n + 2);
                if (b.length < n + 2) throw new IOException("closed");
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(read(in));
                return sb.append(']').toString();
            }
            default -> throw new IOException("unexpected RESP type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                break;
            }
            b.write(c);
        }
        if (c == -1) throw new IOException("closed");
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
