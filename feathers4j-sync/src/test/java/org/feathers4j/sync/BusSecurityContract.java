package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.feathers4j.Application;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attacks on the bus, from a raw client on the broker ({@link BusTap}): a forged sequence number,
 * a restart with a fixed instance id, and, with signing on, forged, unsigned, wrongly signed and
 * replayed messages. Ships in the test-jar so that adapter modules run it on their real broker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class BusSecurityContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SECRET_1 = secret(1);
    private static final byte[] SECRET_2 = secret(2);

    private final List<Application> apps = new ArrayList<>();
    private final List<BusTap> taps = new ArrayList<>();
    /** This test's key. */
    protected final String key = "f4j-bus-security-" + UUID.randomUUID();

    /** Options for the adapter under test on its broker, with this key. */
    protected abstract SyncOptions options(String key);

    @AfterEach
    void closeAll() {
        for (BusTap t : taps) t.close();
        for (Application app : apps) {
            if (app.hasSync()) app.sync().close().orTimeout(15, TimeUnit.SECONDS).join();
        }
    }

    private Application app(UnaryOperator<SyncOptions> tweak) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(tweak.apply(options(key))));
        app.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        apps.add(app);
        return app;
    }

    private BusTap tap() {
        BusTap t = BusTap.on(options(key));
        taps.add(t);
        return t;
    }

    private static void create(Application app, String text) {
        app.service("messages").create(Map.of("text", text)).join();
    }

    private static List<Object> texts(List<Received> got) {
        return SyncTestApps.field(got, "text");
    }

    private static void nothingMore(List<Received> got, int size) {
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> got.size() == size);
    }

    private static String forged(String origin, String seq, String text) {
        return "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"text\":\"" + text + "\"},"
                + "\"context\":{\"params\":{\"user\":{\"admin\":true}}},\"origin\":\"" + origin + "\",\"seq\":" + seq + "}";
    }

    // ---- finding 1: one forged seq must not silence an origin --------------------------------

    @ParameterizedTest(name = "seq {0}")
    @ValueSource(strings = {"9223372036854775807", "1e30"})
    void aForgedSeqFarAheadDoesNotSilenceTheOriginOnAnyInstance(String seq) throws Exception {
        Application a = app(o -> o);
        Application b = app(o -> o);
        List<Received> onA = SyncTestApps.record(a);
        List<Received> onB = SyncTestApps.record(b);
        BusTap tap = tap();
        create(a, "one");
        await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 1 && onB.size() == 1 && !tap.messages().isEmpty());
        String origin = JSON.readTree(tap.messages().get(0)).get("origin").asText();

        tap.publish(forged(origin, seq, "forged"));
        await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 2 && onB.size() == 2);
        for (int i = 2; i <= 4; i++) create(a, "genuine-" + i);

        for (List<Received> got : List.of(onA, onB)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 5);
            assertThat(texts(got)).containsExactly("one", "forged", "genuine-2", "genuine-3", "genuine-4");
        }
        for (Application app : List.of(a, b)) {
            assertThat(app.sync().counters()).containsEntry("seqJumps", 1L).containsEntry("duplicates", 0L);
        }
    }

    // ---- the same without an attacker: a restart with a fixed instance id ----------------------

    @Test
    void anInstanceRestartedWithTheSameInstanceIdIsHeard() {
        String id = "fixed-" + UUID.randomUUID();
        Application first = app(o -> o.instanceId(id));
        Application b = app(o -> o);
        List<Received> onB = SyncTestApps.record(b);
        for (int i = 1; i <= 5; i++) create(first, "first-" + i);
        await().atMost(Duration.ofSeconds(20)).until(() -> onB.size() == 5);
        first.sync().close().orTimeout(15, TimeUnit.SECONDS).join();

        Application second = app(o -> o.instanceId(id));
        List<Received> onSecond = SyncTestApps.record(second);
        for (int i = 1; i <= 3; i++) create(second, "second-" + i);

        await().atMost(Duration.ofSeconds(20)).until(() -> onB.size() == 8 && onSecond.size() == 3);
        assertThat(texts(onB).subList(5, 8)).containsExactly("second-1", "second-2", "second-3");
        assertThat(texts(onSecond)).containsExactly("second-1", "second-2", "second-3");
        assertThat(b.sync().counters()).containsEntry("duplicates", 0L);
    }

    // ---- signing on ----------------------------------------------------------------------------

    @Test
    void withSigningForgedUnsignedAndWronglySignedMessagesReachNoListenerAndAreCounted() throws Exception {
        SyncKeys keys = SyncKeys.signWith("k1", SECRET_1);
        Application a = app(o -> o.signing(keys));
        Application b = app(o -> o.signing(keys));
        List<Received> onA = SyncTestApps.record(a);
        List<Received> onB = SyncTestApps.record(b);
        BusTap tap = tap();
        create(a, "genuine-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 1 && onB.size() == 1 && !tap.messages().isEmpty());
        byte[] genuine = tap.messages().get(0);
        assertThat(SyncKeys.isSealed(genuine)).isTrue();

        byte[] plain = forged("anyone~x", "1", "forged-unsigned").getBytes(StandardCharsets.UTF_8);
        SyncKeys attacker = SyncKeys.signWith("k1", secret(66)); // the right key id, the wrong secret
        byte[] tampered = genuine.clone();
        tampered[tampered.length / 2] ^= 1;
        try (LogCapture log = LogCapture.start()) {
            tap.publish(plain);
            tap.publish(attacker.seal(plain));
            tap.publish(SyncKeys.signWith("k9", secret(9)).seal(plain)); // a key id nobody accepts
            tap.publish(tampered);
            tap.publish(Arrays.copyOf(genuine, 20)); // truncated
            tap.publish(genuine); // a replay of a genuine message
            create(a, "genuine-2");
            await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 2 && onB.size() == 2);
            nothingMore(onB, 2);
            assertThat(log.text()).doesNotContain("forged-unsigned", "admin").contains("badSignature", "unsigned");
        }
        for (List<Received> got : List.of(onA, onB)) {
            assertThat(texts(got)).containsExactly("genuine-1", "genuine-2");
            assertThat(got).allSatisfy(r -> assertThat(r.context().params().user()).isNull());
        }
        for (Application app : List.of(a, b)) {
            assertThat(app.sync().counters())
                    .containsEntry("unsigned", 1L)
                    .containsEntry("badSignature", 4L)
                    .containsEntry("duplicates", 1L);
        }
    }

    @Test
    void withSigningAForgedSeqCannotBeSentAtAll() throws Exception {
        SyncKeys keys = SyncKeys.signWith("k1", SECRET_1);
        Application a = app(o -> o.signing(keys));
        List<Received> onA = SyncTestApps.record(a);
        BusTap tap = tap();
        create(a, "genuine-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 1 && !tap.messages().isEmpty());
        String origin = JSON.readTree(keys.open(tap.messages().get(0))).get("origin").asText();

        tap.publish(forged(origin, "9223372036854775807", "forged"));
        create(a, "genuine-2");
        await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 2);
        assertThat(texts(onA)).containsExactly("genuine-1", "genuine-2");
        assertThat(a.sync().counters()).containsEntry("unsigned", 1L).containsEntry("seqJumps", 0L);
    }

    @Test
    void rotationTheOldKeyStillVerifiesWhileTheNewOneSigns() {
        Application old = app(o -> o.signing(SyncKeys.signWith("k1", SECRET_1).accept("k2", SECRET_2)));
        Application rotated = app(o -> o.signing(SyncKeys.signWith("k2", SECRET_2).accept("k1", SECRET_1)));
        Application done = app(o -> o.signing(SyncKeys.signWith("k2", SECRET_2))); // k1 retired
        List<Received> onOld = SyncTestApps.record(old);
        List<Received> onRotated = SyncTestApps.record(rotated);
        List<Received> onDone = SyncTestApps.record(done);
        create(old, "signed-k1");
        create(rotated, "signed-k2");

        await().atMost(Duration.ofSeconds(20)).until(() -> onOld.size() == 2 && onRotated.size() == 2 && onDone.size() == 1);
        assertThat(texts(onOld)).containsExactlyInAnyOrder("signed-k1", "signed-k2");
        assertThat(texts(onRotated)).containsExactlyInAnyOrder("signed-k1", "signed-k2");
        nothingMore(onDone, 1);
        assertThat(texts(onDone)).containsExactly("signed-k2");
        assertThat(done.sync().counters()).containsEntry("badSignature", 1L);
    }

    @Test
    void encryptionRoundTripsAndTheBusNeverCarriesThePlaintext() {
        SyncKeys keys = SyncKeys.signWith("k1", SECRET_1).encrypt(true);
        Application a = app(o -> o.signing(keys));
        Application b = app(o -> o.signing(keys).batch(true));
        List<Received> onA = SyncTestApps.record(a);
        List<Received> onB = SyncTestApps.record(b);
        BusTap tap = tap();
        create(a, "plaintext-from-a");
        await().atMost(Duration.ofSeconds(20)).until(() -> onB.size() == 1);
        for (int i = 0; i < 50; i++) create(b, "plaintext-from-b-" + i); // batch frames are sealed whole

        await().atMost(Duration.ofSeconds(20)).until(() -> onA.size() == 51 && onB.size() == 51);
        assertThat(texts(onB).get(0)).isEqualTo("plaintext-from-a");
        assertThat(texts(onA).subList(1, 51)).isEqualTo(texts(onB).subList(1, 51));
        assertThat(tap.messages()).isNotEmpty().allSatisfy(m -> assertThat(SyncKeys.isSealed(m)).isTrue());
        assertThat(tap.texts()).noneSatisfy(t -> assertThat(t).containsAnyOf("plaintext", "messages", "created", "origin"));
    }

    @Test
    void anUnsignedInstanceAndASignedOneDoNotHearEachOther() {
        Application signed = app(o -> o.signing(SyncKeys.signWith("k1", SECRET_1)));
        Application unsigned = app(o -> o);
        List<Received> onSigned = SyncTestApps.record(signed);
        List<Received> onUnsigned = SyncTestApps.record(unsigned);
        create(signed, "from-signed");
        create(unsigned, "from-unsigned");
        await().atMost(Duration.ofSeconds(20)).until(() -> onSigned.size() == 1 && onUnsigned.size() == 1);
        // an unsigned instance sees a sealed message as bytes it cannot decode
        await().atMost(Duration.ofSeconds(20)).until(() -> signed.sync().counters().get("unsigned") == 1L
                && unsigned.sync().counters().get("dropped") == 1L);
        nothingMore(onSigned, 1);
        nothingMore(onUnsigned, 1);
        assertThat(texts(onSigned)).containsExactly("from-signed");
        assertThat(texts(onUnsigned)).containsExactly("from-unsigned");
    }

    static byte[] secret(int seed) {
        byte[] s = new byte[32];
        new java.util.Random(seed).nextBytes(s);
        return s;
    }

    static JsonNode json(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }
}
