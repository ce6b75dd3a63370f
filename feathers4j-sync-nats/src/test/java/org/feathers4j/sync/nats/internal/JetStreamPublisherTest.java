package org.feathers4j.sync.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JetStream publisher against the shared server, with the first acknowledgement "lost" on the
 * client side (the message is stored, the client is told it timed out): the publisher sends it
 * again with the same message id and the server stores it once.
 */
@Tag("broker")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JetStreamPublisherTest {

    private final String subject = "f4j-js-publisher-" + UUID.randomUUID();
    private final String stream = StreamSetup.streamName(subject);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Connection connection;

    @BeforeEach
    void connect() throws Exception {
        String uri = System.getenv().getOrDefault("FEATHERS4J_NATS_URI", "nats://127.0.0.1:4222");
        connection = Nats.connect(uri);
        connection.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream).subjects(subject)
                .storageType(StorageType.Memory).duplicateWindow(Duration.ofMinutes(2)).build());
    }

    @AfterEach
    void cleanUp() throws Exception {
        scheduler.shutdownNow();
        try {
            connection.jetStreamManagement().deleteStream(stream);
        } finally {
            connection.close();
        }
    }

    /** The real JetStream, except that the first publish's acknowledgement is replaced by a timeout once it is stored. */
    private JetStream losingFirstAck(JetStream real, AtomicInteger publishes) {
        return (JetStream) Proxy.newProxyInstance(JetStream.class.getClassLoader(), new Class<?>[] {JetStream.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("publishAsync") && publishes.incrementAndGet() == 1) {
                        ((CompletableFuture<?>) result).get(10, TimeUnit.SECONDS); // stored on the server
                        return CompletableFuture.failedFuture(new TimeoutException("acknowledgement lost (test)"));
                    }
                    return result;
                });
    }

    @Test
    void aPublishSentAgainAfterALostAcknowledgementIsStoredOnceAndOrderHolds() throws Exception {
        AtomicInteger publishes = new AtomicInteger();
        JetStream js = losingFirstAck(connection.jetStream(), publishes);
        JetStreamPublisher publisher = new JetStreamPublisher(subject, stream, "test~" + UUID.randomUUID(), 16, 100,
                Duration.ofSeconds(5), Duration.ofSeconds(1), () -> js,
                (task, delay) -> {
                    scheduler.schedule(task, delay, TimeUnit.MILLISECONDS);
                    return true;
                }, cause -> { });
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 1; i <= 5; i++) done.add(publisher.publish(("m" + i).getBytes(StandardCharsets.UTF_8)));
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        JetStreamManagement jsm = connection.jetStreamManagement();
        assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount()).as("each message stored once").isEqualTo(5);
        List<String> stored = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (long seq = 1; seq <= 5; seq++) {
            MessageInfo m = jsm.getMessage(stream, seq);
            stored.add(new String(m.getData(), StandardCharsets.UTF_8));
            ids.add(m.getHeaders().getFirst("Nats-Msg-Id"));
        }
        assertThat(stored).as("in publish order").containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.startsWith("test~"));
        assertThat(publisher.duplicates()).as("the re-sent copy of m1 was dropped by the server").isEqualTo(1);
        assertThat(publisher.resends()).isPositive();
        assertThat(publishes.get()).as("m1 twice (and whatever was in flight with it)").isGreaterThan(5);
        assertThat(publisher.acked()).isEqualTo(5);
        assertThat(publisher.pending()).isZero();
    }

    @Test
    void aMessageTheServerRefusesFailsItsFutureOnlyAndTheOthersGoOn() throws Exception {
        JetStream real = connection.jetStream();
        // every publish expects another stream: the server refuses with an API error, which sending again cannot fix
        JetStreamPublisher wrong = new JetStreamPublisher(subject, stream + "_OTHER", "test~" + UUID.randomUUID(), 16, 100,
                Duration.ofSeconds(5), Duration.ofSeconds(1), () -> real,
                (task, delay) -> {
                    scheduler.schedule(task, delay, TimeUnit.MILLISECONDS);
                    return true;
                }, cause -> { });
        CompletableFuture<Void> refused = wrong.publish("x".getBytes(StandardCharsets.UTF_8));
        assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withMessageContaining("JetStream refused the message");
        assertThat(wrong.refused()).isEqualTo(1);
        assertThat(wrong.pending()).isZero();
        assertThat(connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount()).isZero();
    }
}
