package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Values of the types JSON has no native form for, and the exact JSON each must arrive as. */
public final class JsonTypes {

    private JsonTypes() {
    }

    /** The same values as a record (a typical service result). */
    public record Typed(Instant at, LocalDate day, OffsetDateTime local, Optional<String> none,
                        Optional<String> some, BigDecimal amount, UUID uuid, Duration took) {
    }

    /** The sample as a record. */
    public static Typed record() {
        return new Typed(Instant.parse("2026-12-01T10:15:30.123456789Z"), LocalDate.of(2026, 12, 1),
                OffsetDateTime.of(2026, 12, 1, 10, 15, 30, 0, ZoneOffset.ofHours(2)), Optional.empty(),
                Optional.of("x"), new BigDecimal("12.50"), UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                Duration.ofMillis(1500));
    }

    /** The sample as a map (plus {@code text}), e.g. data a MemoryService stores as it is. */
    public static Map<String, Object> map(String text) {
        Typed t = record();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", text);
        m.put("at", t.at());
        m.put("day", t.day());
        m.put("local", t.local());
        m.put("none", t.none());
        m.put("some", t.some());
        m.put("amount", t.amount());
        m.put("uuid", t.uuid());
        m.put("took", t.took());
        return m;
    }

    /** The JSON text of the typed fields, in order, as written on the wire (BigDecimal with its scale). */
    public static final String WIRE = "\"at\":\"2026-12-01T10:15:30.123456789Z\",\"day\":\"2026-12-01\","
            + "\"local\":\"2026-12-01T10:15:30+02:00\",\"none\":null,\"some\":\"x\",\"amount\":12.50,"
            + "\"uuid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"took\":\"PT1.5S\"";

    /**
     * Asserts a value read back from that JSON as a plain map: strings for the time values and the
     * UUID, {@code null} and {@code "x"} for the Optionals, a number for the BigDecimal (a plain
     * JSON reader makes it a double, so only the wire keeps the scale: see {@link #WIRE}).
     */
    public static void assertArrived(Object data) {
        assertThat(data).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) data;
        assertThat(m.get("at")).isEqualTo("2026-12-01T10:15:30.123456789Z");
        assertThat(m.get("day")).isEqualTo("2026-12-01");
        assertThat(m.get("local")).isEqualTo("2026-12-01T10:15:30+02:00");
        assertThat(m.containsKey("none")).as("Optional.empty() is written as null, not left out").isTrue();
        assertThat(m.get("none")).isNull();
        assertThat(m.get("some")).isEqualTo("x");
        assertThat(((Number) m.get("amount")).doubleValue()).isEqualTo(12.5);
        assertThat(m.get("uuid")).isEqualTo("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        assertThat(m.get("took")).isEqualTo("PT1.5S");
    }
}
