package org.feathers4j.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON recipe of feathers4j: sync's default serializer and the server's default mapper
 * both start from {@link #newObjectMapper()}, so a value that syncs also answers over REST and
 * Socket.IO, in the same shape.
 *
 * <ul>
 *   <li>{@code java.time} values as ISO-8601 strings, never numeric timestamps:
 *       {@code Instant} {@code "2026-12-01T10:15:30.123456789Z"}, {@code LocalDate}
 *       {@code "2026-12-01"}, {@code OffsetDateTime} with its offset, {@code Duration}
 *       {@code "PT1.5S"};</li>
 *   <li>JDK 8 types: {@code Optional.empty()} as {@code null}, {@code Optional.of(x)} as {@code x}
 *       (also {@code OptionalInt} and friends);</li>
 *   <li>objects without properties are written as {@code {}} rather than failing;</li>
 *   <li>unknown properties are ignored when reading into a class;</li>
 *   <li>{@code BigDecimal} as a number with its scale ({@code 12.50}), also through JSON trees
 *       ({@code valueToTree}), where Jackson would strip trailing zeros by default;</li>
 *   <li>everything else as Jackson's defaults ({@code UUID} as its string, records and POJOs as
 *       objects).</li>
 * </ul>
 *
 * <p>To customise, take a fresh mapper and change it (it is yours, nothing else sees it):
 * <pre>{@code
 * ObjectMapper mapper = FeathersJson.newObjectMapper().registerModule(new MyModule());
 * FeathersServer.create(app).objectMapper(mapper);
 * app.configure(Sync.of(SyncOptions.uri(uri).serializer(new JsonSyncSerializer(mapper))));
 * }</pre>
 */
public final class FeathersJson {

    private FeathersJson() {
    }

    /** A new mapper with the feathers4j settings; each call returns a separate, mutable copy. */
    public static JsonMapper newObjectMapper() {
        return builder().build();
    }

    /**
     * A builder with the feathers4j settings, for changes that need the builder (e.g. features
     * of the underlying JSON factory); {@link #newObjectMapper()} is {@code builder().build()}.
     */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // the Socket.IO transport writes results through trees: keep 12.50 as 12.50 there too
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }
}
