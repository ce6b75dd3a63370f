package org.feathers4j.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads client JSON (REST bodies, Socket.IO packets) under a nesting limit well below what can be
 * written back: Jackson reads and writes up to 1,000 levels, so a 999-deep record was accepted,
 * stored, and every {@code find} that wrapped it deeper then failed for everyone. The server's own
 * copy of the mapper's factory carries the limit; the user's mapper and the FeathersJson recipe are
 * left as they are.
 */
public final class JsonInput {

    /** Why a JSON text was refused; messages never quote the input. */
    public enum Problem { TOO_DEEP, MALFORMED }

    /** The outcome of {@link #check}: {@code null} problem means well-formed and within the limit. */
    public record Verdict(Problem problem, long offset) {
        static final Verdict OK = new Verdict(null, -1);

        public boolean ok() {
            return problem == null;
        }
    }

    /** Thrown by {@link #read} for a body nested deeper than the limit. */
    public static final class TooDeep extends IOException {
        TooDeep(int limit) {
            super("nested deeper than " + limit + " levels");
        }
    }

    private final ObjectMapper mapper;
    private final JsonFactory factory;
    private final int maxDepth;

    public JsonInput(ObjectMapper mapper, int maxDepth) {
        this.mapper = mapper;
        this.maxDepth = maxDepth;
        // copy(): setting constraints on the user's factory would change every reader of that mapper
        this.factory = mapper.getFactory().copy();
        this.factory.setStreamReadConstraints(mapper.getFactory().streamReadConstraints().rebuild()
                .maxNestingDepth(maxDepth)
                .build());
    }

    /** The nesting limit. */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * One JSON value as the mapper reads it.
     *
     * @throws TooDeep if nested deeper than the limit
     * @throws JsonProcessingException if malformed
     */
    public Object read(byte[] bytes) throws IOException {
        try (JsonParser p = factory.createParser(bytes)) {
            return mapper.readValue(p, Object.class);
        } catch (StreamConstraintsException e) {
            if (e.getMessage() != null && e.getMessage().contains("nesting depth")) throw new TooDeep(maxDepth);
            throw e;
        }
    }

    /**
     * Whether {@code in} holds exactly one well-formed JSON value within the limit (tokens only, no
     * objects built). The verdict carries a byte offset, never the text.
     */
    public Verdict check(InputStream in) {
        JsonParser p = null;
        try {
            p = factory.createParser(in);
            if (p.nextToken() == null) return new Verdict(Problem.MALFORMED, 0);
            p.skipChildren();
            if (p.nextToken() != null) return new Verdict(Problem.MALFORMED, p.currentTokenLocation().getByteOffset());
            return Verdict.OK;
        } catch (StreamConstraintsException e) {
            boolean depth = e.getMessage() != null && e.getMessage().contains("nesting depth");
            return new Verdict(depth ? Problem.TOO_DEEP : Problem.MALFORMED, offset(p));
        } catch (IOException e) {
            return new Verdict(Problem.MALFORMED, offset(p));
        } finally {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // an in-memory stream
                }
            }
        }
    }

    private static long offset(JsonParser p) {
        return p == null ? 0 : p.currentLocation().getByteOffset();
    }
}
