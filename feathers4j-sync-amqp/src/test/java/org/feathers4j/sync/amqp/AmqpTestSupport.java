package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.SyncTestApps.Received;

/** The real RabbitMQ the tests use (FEATHERS4J_AMQP_URI, default amqp://guest:guest@127.0.0.1:5672). */
final class AmqpTestSupport {

    static final String URI = System.getenv().getOrDefault("FEATHERS4J_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");

    private AmqpTestSupport() {
    }

    static ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(URI);
        } catch (Exception e) {
            throw new IllegalStateException("FEATHERS4J_AMQP_URI is not usable: " + SyncOptions.redact(URI), e);
        }
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(3000);
        return f;
    }

    /** Fails the test with a clear message when RabbitMQ is not there. */
    static void requireBroker() {
        try (Connection c = factory().newConnection("feathers4j-test-probe")) {
            if (!c.isOpen()) fail("RabbitMQ connection not open");
        } catch (Exception e) {
            fail("RabbitMQ is not reachable at " + SyncOptions.redact(URI) + " (" + e + "). Start it with "
                    + "scripts/services.sh rabbitmq, or point FEATHERS4J_AMQP_URI at one.");
        }
    }

    static Connection raw() throws Exception {
        return factory().newConnection("feathers4j-test-raw");
    }

    static String uniqueKey() {
        return SyncTestApps.uniqueKey("amqp");
    }

    static void deleteExchange(String key) {
        try (Connection c = raw(); Channel ch = c.createChannel()) {
            ch.exchangeDelete(key);
        } catch (Exception ignored) {
            // best effort; the broker may be down in a failed test
        }
    }

    static SyncOptions options(String uri, String key) {
        return SyncOptions.uri(uri).key(key)
                .option("recoverySettle", Duration.ofMillis(1500))
                .option("connectRetryMax", Duration.ofSeconds(1));
    }

    static Application app(String key) {
        return app(options(URI, key));
    }

    static Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        return app;
    }

    static void closeAll(List<Application> apps) {
        for (Application a : apps) {
            try {
                if (a.hasSync()) a.sync().close().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    /** The {@code created} events of the {@code messages} service of {@code app}, recorded from now on. */
    static List<Received> created(Application app) {
        List<Received> all = SyncTestApps.record(app);
        return new FilteredView(all);
    }

    /** How often each id (data field {@code n}, as a long) arrived. */
    static Map<Long, Long> counts(List<Received> received) {
        Map<Long, Long> counts = new HashMap<>();
        for (Object n : SyncTestApps.field(received, "n")) {
            if (n instanceof Number x) counts.merge(x.longValue(), 1L, Long::sum);
        }
        return counts;
    }

    static long distinct(List<Received> received) {
        return counts(received).size();
    }

    static long duplicates(List<Received> received) {
        return counts(received).values().stream().mapToLong(c -> c - 1).sum();
    }

    static long missing(List<Received> received, long from, long to) {
        Map<Long, Long> counts = counts(received);
        long m = 0;
        for (long i = from; i <= to; i++) if (!counts.containsKey(i)) m++;
        return m;
    }

    /** The missing ids as ranges, e.g. {@code 1201-1530, 1611}; at most 10 ranges. */
    static String missingRanges(List<Received> received, long from, long to) {
        Map<Long, Long> counts = counts(received);
        StringBuilder sb = new StringBuilder();
        int ranges = 0;
        long i = from;
        while (i <= to && ranges < 10) {
            if (counts.containsKey(i)) {
                i++;
                continue;
            }
            long j = i;
            while (j + 1 <= to && !counts.containsKey(j + 1)) j++;
            if (sb.length() > 0) sb.append(", ");
            sb.append(i == j ? String.valueOf(i) : i + "-" + j);
            ranges++;
            i = j + 1;
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** A live view of the recorded {@code created} events. */
    private static final class FilteredView extends java.util.AbstractList<Received> {
        private final List<Received> all;

        FilteredView(List<Received> all) {
            this.all = all;
        }

        private List<Received> snapshot() {
            return all.stream().filter(r -> r.event().equals("created")).toList();
        }

        @Override
        public Received get(int index) {
            return snapshot().get(index);
        }

        @Override
        public int size() {
            return snapshot().size();
        }

        @Override
        public java.util.Iterator<Received> iterator() {
            return snapshot().iterator();
        }
    }
}
