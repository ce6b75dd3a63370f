package org.feathers4j.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.feathers4j.json.FeathersJson;

/**
 * The default serializer: feathers-sync 3.x JSON with Jackson, using the project's one JSON recipe
 * ({@link FeathersJson}, the same the server writes its answers with): {@code java.time} values
 * are written as ISO-8601 strings, {@code Optional}s as their value or {@code null}, records and
 * POJOs as objects; a value Jackson cannot write fails the serialization (and the event is then
 * emitted locally only, with an error logged).
 */
public final class JsonSyncSerializer implements SyncSerializer {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    static final JsonSyncSerializer INSTANCE = new JsonSyncSerializer(); // after MAP, which it uses

    private final ObjectWriter writer;
    private final ObjectReader reader;

    /** A serializer with our default mapper settings. */
    public JsonSyncSerializer() {
        this(defaultMapper());
    }

    /** A serializer with your own mapper (e.g. with extra modules). */
    public JsonSyncSerializer(ObjectMapper mapper) {
        this.writer = mapper.writer();
        this.reader = mapper.readerFor(MAP);
    }

    /**
     * A new mapper with the settings the default serializer uses: the same as
     * {@link FeathersJson#newObjectMapper()}, to which it delegates (kept for existing callers).
     * Each call returns a fresh copy; change it and pass it to
     * {@link #JsonSyncSerializer(ObjectMapper)} to customise.
     */
    public static ObjectMapper defaultMapper() {
        return FeathersJson.newObjectMapper();
    }

    @Override
    public byte[] serialize(SyncMessage m) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event", m.event());
        json.put("path", m.path());
        json.put("data", m.data());
        json.put("context", m.context());
        if (m.origin() != null) json.put("origin", m.origin());
        if (m.seq() != null) json.put("seq", m.seq());
        return writer.writeValueAsBytes(json);
    }

    @Override
    public SyncMessage deserialize(byte[] bytes) throws Exception {
        Map<String, Object> json = reader.readValue(bytes);
        return WireShape.toMessage(json);
    }
}
