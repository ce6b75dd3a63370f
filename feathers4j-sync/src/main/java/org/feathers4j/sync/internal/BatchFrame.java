package org.feathers4j.sync.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The batch frame: several serialized messages in one bus message, sent when {@code batch} is on.
 *
 * <pre>
 * 0x00 'F' '4' 'J' 'B' 0x01          magic and version (no JSON text starts with 0x00)
 * then, once per message:            4-byte big-endian length, then that many bytes
 * </pre>
 *
 * <p>Only feathers4j reads it; Node feathers-sync cannot.
 */
public final class BatchFrame {

    private static final byte[] MAGIC = {0x00, 'F', '4', 'J', 'B', 0x01};

    /** Bytes a frame adds per message. */
    public static final int PER_MESSAGE = 4;

    /** Bytes of the frame's header. */
    public static final int HEADER = MAGIC.length;

    private BatchFrame() {
    }

    /** Whether these bytes are a batch frame (they start with the frame's magic). */
    public static boolean isFrame(byte[] bytes) {
        if (bytes.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (bytes[i] != MAGIC[i]) return false;
        return true;
    }

    /** The frame holding these messages, in order. */
    public static byte[] encode(List<byte[]> messages) {
        int size = HEADER;
        for (byte[] m : messages) size += PER_MESSAGE + m.length;
        byte[] out = new byte[size];
        System.arraycopy(MAGIC, 0, out, 0, HEADER);
        int p = HEADER;
        for (byte[] m : messages) {
            int n = m.length;
            out[p] = (byte) (n >>> 24);
            out[p + 1] = (byte) (n >>> 16);
            out[p + 2] = (byte) (n >>> 8);
            out[p + 3] = (byte) n;
            System.arraycopy(m, 0, out, p + PER_MESSAGE, n);
            p += PER_MESSAGE + n;
        }
        return out;
    }

    /** A frame that holds more messages than the receiver accepts. */
    public static final class TooManyMessages extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooManyMessages(int max) {
            super("batch frame holds more than " + max + " messages, the frame limit");
        }
    }

    /**
     * The messages of a frame, in order.
     *
     * @throws IllegalArgumentException if a length runs past the end of the frame
     */
    public static List<byte[]> decode(byte[] frame) {
        return decode(frame, Integer.MAX_VALUE);
    }

    /**
     * The messages of a frame, in order, if it holds at most {@code maxMessages}; the count is
     * checked before any message is copied, so a frame over the limit costs no more than its scan.
     *
     * @throws TooManyMessages          if it holds more than {@code maxMessages}
     * @throws IllegalArgumentException if a length runs past the end of the frame
     */
    public static List<byte[]> decode(byte[] frame, int maxMessages) {
        int count = 0;
        for (int p = HEADER; p < frame.length; count++) {
            if (count == maxMessages) throw new TooManyMessages(maxMessages);
            if (frame.length - p < PER_MESSAGE) break; // reported below, with the message number
            int n = ((frame[p] & 0xff) << 24) | ((frame[p + 1] & 0xff) << 16) | ((frame[p + 2] & 0xff) << 8) | (frame[p + 3] & 0xff);
            if (n < 0 || n > frame.length - p - PER_MESSAGE) break;
            p += PER_MESSAGE + n;
        }
        List<byte[]> out = new ArrayList<>(count);
        int p = HEADER;
        while (p < frame.length) {
            if (frame.length - p < PER_MESSAGE) {
                throw new IllegalArgumentException("batch frame truncated: " + (frame.length - p) + " byte(s) where a length belongs");
            }
            int n = ((frame[p] & 0xff) << 24) | ((frame[p + 1] & 0xff) << 16) | ((frame[p + 2] & 0xff) << 8) | (frame[p + 3] & 0xff);
            p += PER_MESSAGE;
            if (n < 0 || n > frame.length - p) {
                throw new IllegalArgumentException("batch frame truncated: message " + (out.size() + 1) + " claims " + n
                        + " bytes, " + (frame.length - p) + " left");
            }
            byte[] m = new byte[n];
            System.arraycopy(frame, p, m, 0, n);
            out.add(m);
            p += n;
        }
        return out;
    }
}
