package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SASL/PLAIN and ACLs on a private Kafka node (a SASL listener, the standard authorizer): the
 * credentials in the URI work; a wrong password fails at once with {@code AUTHENTICATION}; a user
 * without ACLs fails at once with {@code AUTHORIZATION}; no secret in the error or the state.
 */
@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaSecurityTest {

    private static PrivateKafka kafka;
    private final List<Application> apps = new ArrayList<>();

    @BeforeAll
    static void startNode() {
        kafka = new PrivateKafka(1, false).withSaslAndAcls(Map.of("admin", "admin-pw-1", "app", "app-pw-2"), "admin").startAll();
    }

    @AfterAll
    static void stopNode() {
        if (kafka != null) kafka.close();
    }

    @AfterEach
    void closeApps() {
        for (Application app : apps) {
            if (app.hasSync()) app.sync().close().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private Application app(String uri, String key) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(SyncOptions.uri(uri).key(key)));
        apps.add(app);
        return app;
    }

    @Test
    void theCredentialsOfTheUriAreUsed() {
        String key = SyncTestApps.uniqueKey("kafka-sasl");
        Application a = app(kafka.saslUri("admin", "admin-pw-1"), key);
        Application b = app(kafka.saslUri("admin", "admin-pw-1"), key);
        DeliveryCheck.Recorder onB = DeliveryCheck.record(b);
        a.sync().ready().orTimeout(60, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(60, TimeUnit.SECONDS).join();
        for (long n = 1; n <= 20; n++) a.service("messages").create(Map.of("from", "a", "n", n)).join();
        onB.awaitLast("a", 20, Duration.ofSeconds(30));
        assertThat(onB.received("a")).hasSize(20);
    }

    @Test
    void aWrongPasswordFailsAtOnceWithAuthentication() {
        Application app = app(kafka.saslUri("admin", "not-the-password"), SyncTestApps.uniqueKey("kafka-sasl"));
        assertThatThrownBy(() -> app.sync().ready().orTimeout(60, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(SyncException.class)
                .satisfies(e -> {
                    assertThat(((SyncException) e).reason()).isEqualTo(SyncException.Reason.AUTHENTICATION);
                    assertThat(e.getMessage()).contains("refused the credentials").doesNotContain("not-the-password");
                });
        assertThat(app.sync().state()).isEqualTo(SyncState.FAILED);
    }

    @Test
    void aUserWithoutAclsFailsAtOnceWithAuthorization() {
        Application app = app(kafka.saslUri("app", "app-pw-2"), SyncTestApps.uniqueKey("kafka-acl"));
        assertThatThrownBy(() -> app.sync().ready().orTimeout(60, TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(SyncException.class)
                .satisfies(e -> {
                    assertThat(((SyncException) e).reason()).isEqualTo(SyncException.Reason.AUTHORIZATION);
                    assertThat(e.getMessage()).contains("permission").doesNotContain("app-pw-2");
                });
        assertThat(app.sync().state()).isEqualTo(SyncState.FAILED);
    }
}
