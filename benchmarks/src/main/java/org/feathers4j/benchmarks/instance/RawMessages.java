package org.feathers4j.benchmarks.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The message the raw-client baselines publish: the same shape and about the same size as what
 * feathers-sync puts on the bus for an internal {@code messages.create} (event, path, data and a
 * context holding arguments, result, data, params), so the raw figures are a fair ceiling.
 */
final class RawMessages {

    /** The text field of every benchmark event (Java and Node use the same). */
    static final String TEXT = "benchmark message: a short chat line, about the size of a typical one";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RawMessages() {
    }

    static byte[] encode(String phase, int n, long sentNs) {
        String input = "{\"text\":\"" + TEXT + "\",\"phase\":\"" + phase + "\",\"n\":" + n + ",\"t\":" + sentNs + "}";
        String data = "{\"id\":" + n + "," + input.substring(1);
        String json = "{\"event\":\"created\",\"path\":\"messages\",\"data\":" + data
                + ",\"context\":{\"arguments\":[" + input + ",{}],\"event\":\"created\",\"type\":\"around\",\"result\":" + data
                + ",\"data\":" + input + ",\"params\":{},\"path\":\"messages\",\"method\":\"create\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a message and records it, as a raw subscriber would: JSON-decode, read the data. */
    static void receive(byte[] bytes, Recorder recorder) {
        long now = System.nanoTime();
        try {
            JsonNode data = MAPPER.readTree(bytes).get("data");
            recorder.record(data.get("phase").asText(), data.get("n").asInt(), data.get("t").asLong(), now);
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: undecodable message dropped: " + e);
        }
    }
}
