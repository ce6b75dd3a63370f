package org.feathers4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsAreThreeInstancesOnAnEmbeddedRedis() {
        DemoOptions o = DemoOptions.parse();
        assertThat(o.ports()).containsExactly(3031, 3032, 3033);
        assertThat(o.embeddedBroker()).isTrue();
        assertThat(o.sync()).isNull();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.redisPort()).isZero();
        assertThat(o.key()).isEqualTo("feathers4j-demo");
    }

    @Test
    void parsesEveryOptionInBothForms() {
        DemoOptions o = DemoOptions.parse("--ports", "4001, 4002", "--sync=amqp://guest:guest@127.0.0.1:5672",
                "--host", "0.0.0.0", "--redis-port=6400", "--key", "chat");
        assertThat(o.ports()).containsExactly(4001, 4002);
        assertThat(o.sync()).isEqualTo("amqp://guest:guest@127.0.0.1:5672");
        assertThat(o.embeddedBroker()).isFalse();
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.redisPort()).isEqualTo(6400);
        assertThat(o.key()).isEqualTo("chat");
    }

    @Test
    void zeroPortsMayRepeatOthersMayNot() {
        assertThat(DemoOptions.parse("--ports", "0,0,0").ports()).containsExactly(0, 0, 0);
        assertThatThrownBy(() -> DemoOptions.parse("--ports", "3031,3031"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must differ");
    }

    @Test
    void helpReturnsNull() {
        assertThat(DemoOptions.parse("--help")).isNull();
        assertThat(DemoOptions.parse("--ports", "1", "-h")).isNull();
        assertThat(DemoOptions.USAGE).contains("--ports", "--sync", "redis://", "amqp://", "nats://", "mongodb://");
    }

    @Test
    void badArgumentsGetClearMessages() {
        assertThatThrownBy(() -> DemoOptions.parse("--ports", "30x1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a port: '30x1'");
        assertThatThrownBy(() -> DemoOptions.parse("--ports", "70000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--ports", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a port");
        assertThatThrownBy(() -> DemoOptions.parse("--sync"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--sync needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--sync", "localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broker URI");
        assertThatThrownBy(() -> DemoOptions.parse("--color", "blue"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown option: --color");
        assertThatThrownBy(() -> DemoOptions.parse("redis://x:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected argument");
        assertThatThrownBy(() -> new DemoOptions(List.of(), null, "127.0.0.1", 0, "k"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one port");
    }
}
