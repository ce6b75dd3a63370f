package org.feathers4j.sync.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;

class SupportTest {

    private static OptionReader reader(Object... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], nameValue[i + 1]);
        return new OptionReader("test", m);
    }

    @Test
    void oneDurationGrammar() {
        assertThat(OptionReader.parseDuration("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(OptionReader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(OptionReader.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(OptionReader.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(OptionReader.parseDuration(" 2m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(OptionReader.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(OptionReader.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(OptionReader.parseDuration("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(OptionReader.parseDuration("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(OptionReader.parseDuration("10_000")).isEqualTo(Duration.ofSeconds(10));
        for (String bad : new String[] {"", "5 parsecs", "-5s", "PT-5S", "s", "1.5"}) {
            assertThatThrownBy(() -> OptionReader.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(OptionReader.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(OptionReader.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(OptionReader.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(OptionReader.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(OptionReader.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(OptionReader.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void typedOptionsWithFallbacksAndClearErrors() {
        OptionReader r = reader("wait", "2s", "waitMs", 250, "n", "100_000", "on", "yes", "off", "0",
                "hosts", "a:1, b:2,,", "list", List.of("x", "y"), "name", "nm", "fn", (Consumer<String>) s -> { });
        assertThat(r.duration("wait", null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.duration("waitMs", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(r.duration("absent", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(r.integer("n", 0)).isEqualTo(100_000);
        assertThat(r.bool("on", false)).isTrue();
        assertThat(r.bool("off", true)).isFalse();
        assertThat(r.list("hosts", null)).containsExactly("a:1", "b:2");
        assertThat(r.list("list", null)).containsExactly("x", "y");
        assertThat(r.string("name", null)).isEqualTo("nm");
        assertThat(r.instance("fn", Consumer.class, null)).isNotNull();
        assertThat(r.has("name")).isTrue();
        assertThat(r.has("absent")).isFalse();

        assertThatThrownBy(() -> r.duration("name", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test sync option 'name' must be a duration such as 500ms, 5s, 2m, PT5S or a number of milliseconds, got 'nm'");
        assertThatThrownBy(() -> r.integer("name", 0)).hasMessageContaining("'name' must be a whole number");
        assertThatThrownBy(() -> reader("n", 1.5).integer("n", 0)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> reader("n", 1L << 40).integer("n", 0)).hasMessageContaining("an int");
        assertThatThrownBy(() -> r.bool("name", false)).hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> r.instance("name", Runnable.class, null)).hasMessageContaining("must be a java.lang.Runnable");
        assertThatThrownBy(() -> r.list("fn", null)).hasMessageContaining("got a ");
    }

    @Test
    void readsSyncOptions() {
        OptionReader r = OptionReader.of("redis", SyncOptions.uri("redis://h").option("timeout", "PT3S"));
        assertThat(r.duration("timeout", null)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void backoffDoublesWithJitterUpToTheMax() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int i = 0; i < 200; i++) {
            assertThat(b.delay(1).toMillis()).isBetween(50L, 100L);
            assertThat(b.delay(2).toMillis()).isBetween(100L, 200L);
            assertThat(b.delay(4).toMillis()).isBetween(400L, 800L);
            assertThat(b.delay(50).toMillis()).isBetween(500L, 1000L);
        }
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("initial must be > 0");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("max must be >= initial");
        assertThatThrownBy(() -> b.delay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void daemonThreadsSayWhoseTheyAre() {
        var f = DaemonThreads.factory("redis", "delivery");
        Thread a = f.newThread(() -> { });
        Thread b = f.newThread(() -> { });
        assertThat(a.isDaemon()).isTrue();
        assertThat(a.getName()).isEqualTo("feathers4j-redis-sync-delivery");
        assertThat(b.getName()).isEqualTo("feathers4j-redis-sync-delivery-2");
    }

    @Test
    void syncExceptionsCarryAReason() {
        SyncException e = new SyncException("amqp", SyncException.Reason.AUTHENTICATION, "amqp sync: access refused");
        assertThat(e.type()).isEqualTo("amqp");
        assertThat(e.reason()).isEqualTo(SyncException.Reason.AUTHENTICATION);
        assertThat(e.isRetryable()).isFalse();
        assertThat(new SyncException("nats", SyncException.Reason.UNREACHABLE, "down").isRetryable()).isTrue();
    }
}
