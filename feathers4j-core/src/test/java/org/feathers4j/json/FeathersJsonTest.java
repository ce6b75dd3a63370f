package org.feathers4j.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FeathersJsonTest {

    record Typed(Instant at, LocalDate day, OffsetDateTime local, Optional<String> none, Optional<String> some,
                 BigDecimal amount, UUID uuid, Duration took, OptionalInt count) {
    }

    static Typed sample() {
        return new Typed(Instant.parse("2026-12-01T10:15:30.123456789Z"), LocalDate.of(2026, 12, 1),
                OffsetDateTime.of(2026, 12, 1, 10, 15, 30, 0, ZoneOffset.ofHours(2)), Optional.empty(),
                Optional.of("x"), new BigDecimal("12.50"), UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                Duration.ofMillis(1500), OptionalInt.of(3));
    }

    @Test
    void writesJavaTimeAsIsoStringsAndJdk8TypesAsTheirValues() throws Exception {
        String json = FeathersJson.newObjectMapper().writeValueAsString(sample());
        assertThat(json).isEqualTo("{\"at\":\"2026-12-01T10:15:30.123456789Z\",\"day\":\"2026-12-01\","
                + "\"local\":\"2026-12-01T10:15:30+02:00\",\"none\":null,\"some\":\"x\",\"amount\":12.50,"
                + "\"uuid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\",\"took\":\"PT1.5S\",\"count\":3}");
    }

    @Test
    void treesKeepTheSameText() throws Exception {
        ObjectMapper mapper = FeathersJson.newObjectMapper();
        assertThat(mapper.writeValueAsString(mapper.valueToTree(sample()))).isEqualTo(mapper.writeValueAsString(sample()));
    }

    @Test
    void mapsHoldingTheSameValuesAreWrittenTheSameWay() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Instant.parse("2026-12-01T10:15:30.123456789Z"));
        m.put("none", Optional.empty());
        m.put("some", Optional.of(1));
        assertThat(FeathersJson.newObjectMapper().writeValueAsString(m))
                .isEqualTo("{\"at\":\"2026-12-01T10:15:30.123456789Z\",\"none\":null,\"some\":1}");
    }

    @Test
    void emptyBeansAreEmptyObjectsAndUnknownPropertiesAreIgnored() throws Exception {
        ObjectMapper mapper = FeathersJson.newObjectMapper();
        assertThat(mapper.writeValueAsString(new Object())).isEqualTo("{}");
        record Small(String a) {
        }
        assertThat(mapper.readValue("{\"a\":\"1\",\"b\":2}", Small.class)).isEqualTo(new Small("1"));
        assertThat(mapper.readValue("{\"at\":\"2026-12-01T10:15:30.123456789Z\",\"day\":\"2026-12-01\"}", Typed.class))
                .extracting(Typed::at, Typed::day)
                .containsExactly(Instant.parse("2026-12-01T10:15:30.123456789Z"), LocalDate.of(2026, 12, 1));
    }

    @Test
    void eachCallIsASeparateCopy() {
        ObjectMapper a = FeathersJson.newObjectMapper();
        a.enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        assertThat(FeathersJson.newObjectMapper()).isNotSameAs(a);
        assertThat(FeathersJson.newObjectMapper().isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)).isFalse();
    }
}
