package org.feathers4j.sync.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.AuthenticationException;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.junit.jupiter.api.Test;

/** The client options the adapter connects with, and how client failures are sorted; no server needed. */
class ClientOptionsTest {

    private static Options options(String uri, NatsSyncConfig config) {
        return ClientOptions.builder(ClientOptions.servers(SyncOptions.uri(uri), config), config).build();
    }

    @Test
    void theDefaultsReachTheClient() {
        Options o = options("nats://127.0.0.1:4222", NatsSyncConfig.create());
        assertThat(o.getMaxReconnect()).isEqualTo(-1);
        assertThat(o.getReconnectWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.getReconnectBufferSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(o.getConnectionName()).isEqualTo("feathers4j-sync");
        assertThat(o.getMaxPingsOut()).isEqualTo(ClientOptions.MAX_PINGS_OUT);
    }

    @Test
    void theUriComesFirstAndTheNatsOptionsHookRunsLast() {
        Consumer<Options.Builder> custom = b -> b.maxPingsOut(5);
        NatsSyncConfig c = NatsSyncConfig.builder().servers(List.of("nats://a:4222", "nats://b:4222"))
                .natsOptions(custom).build();
        Options o = options("nats://c:4222", c);
        assertThat(o.getServers()).extracting(Object::toString)
                .containsExactly("nats://c:4222", "nats://a:4222", "nats://b:4222");
        assertThat(o.getMaxPingsOut()).isEqualTo(5);
    }

    @Test
    void aTlsUriMakesTheClientRequireTls() {
        Options o = options("tls://127.0.0.1:4443", NatsSyncConfig.create());
        assertThat(o.isTLSRequired()).isTrue();
        assertThat(o.getSslContext()).isNotNull();
    }

    @Test
    void bareTokensAndPasswordsInServerUrlsAreRedacted() {
        assertThat(ClientOptions.where(List.of("nats://tok-secret@h:4222", "nats://u:pw@h:1")))
                .isEqualTo("nats://***@h:4222,nats://u:***@h:1");
    }

    @Test
    void clientFailuresAreSortedIntoReasons() {
        assertThat(NatsFailures.reason(new AuthenticationException("Authorization Violation"))).isEqualTo(Reason.AUTHENTICATION);
        assertThat(NatsFailures.reason(new IOException("handshake", new SSLHandshakeException("bad cert")))).isEqualTo(Reason.TLS);
        assertThat(NatsFailures.reason(new IOException("Unable to connect"))).isEqualTo(Reason.UNREACHABLE);
        assertThat(NatsFailures.reason(new IllegalStateException("x", new NoClassDefFoundError("a/B"))))
                .isEqualTo(Reason.INCOMPATIBLE_CLASSPATH);
        assertThat(NatsFailures.reason(new IllegalStateException("x"))).isEqualTo(Reason.INTERNAL);
        assertThat(NatsFailures.serverErrorReason("'Authorization Violation'")).isEqualTo(Reason.AUTHENTICATION);
        assertThat(NatsFailures.serverErrorReason("Permissions Violation for Publish to \"x\"")).isEqualTo(Reason.AUTHORIZATION);
        assertThat(NatsFailures.serverErrorReason("Maximum Payload Violation")).isEqualTo(Reason.PROTOCOL);
        assertThat(NatsFailures.of(Reason.UNREACHABLE, "m", null).type()).isEqualTo("nats");
    }

    @Test
    void aClientExceptionWhileUnreachableNamesTheServerLikeTheConnectLoop() {
        // jnats' error listener may report a refused connection after the connect loop did: the last error
        // must still say which server is unreachable (NatsOutageTest read "NATS client: Connection refused" once)
        var refused = NatsFailures.clientException(new java.net.ConnectException("Connection refused"), "nats://127.0.0.1:4999");
        assertThat(refused.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(refused.getMessage()).contains("unreachable").contains("nats://127.0.0.1:4999").contains("Connection refused");
        var other = NatsFailures.clientException(new IllegalStateException("odd"), "nats://127.0.0.1:4999");
        assertThat(other.reason()).isEqualTo(Reason.INTERNAL);
        assertThat(other.getMessage()).isEqualTo("NATS client: odd");
    }
}
