package org.feathers4j.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default serializer: feathers-sync 3.x JSON with Jackson. {@code java.time} values are
 * written as ISO-8601 strings, records and POJOs as objects; a value Jackson cannot write fails
 * the serialization (and the event is then emitted locally only, with an error logged).
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

    /** The mapper the default serializer uses; copy it to customise. */
    public static ObjectMapper defaultMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
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
