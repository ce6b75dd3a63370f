package org.feathers4j.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.feathers4j.Application;
import org.feathers4j.memory.MemoryService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChannelsTest {

    /** A connection that records what it is sent. */
    static class Recording extends Connection {
        final List<List<Object>> received = new CopyOnWriteArrayList<>();
        volatile boolean open = true;

        Recording(String id) {
            super(id, "test", Map.of("user-agent", "junit"));
        }

        @Override
        public void send(String event, Object data) {
            received.add(List.of(event, data));
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }

        List<Object> events() {
            return received.stream().map(l -> l.get(0)).toList();
        }
    }

    @Test
    void noPublisherMeansNobodyReceives() {
        Application app = new Application();
        app.use("messages", new MemoryService());
        Channels channels = Channels.of(app);
        Recording a = new Recording("a");
        channels.connect(a);
        channels.channel("all").join(a);
        app.service("messages").create(Map.of("text", "x")).join();
        assertThat(a.received).isEmpty();
    }

    @Test
    void connectionEventsJoinAndLeave() {
        Application app = new Application();
        Channels channels = Channels.of(app);
        assertThat(Channels.of(app)).isSameAs(channels);
        List<Object> seen = new CopyOnWriteArrayList<>();
        app.on("connection", args -> {
            seen.add("connect " + ((Connection) args[0]).id());
            channels.channel("anonymous").join((Connection) args[0]);
        });
        app.on("disconnect", args -> seen.add("disconnect " + ((Connection) args[0]).id()));
        Recording a = new Recording("a");
        channels.connect(a);
        channels.channel("room").join(a);
        assertThat(channels.channel("anonymous").contains(a)).isTrue();
        assertThat(channels.connections()).containsExactly(a);
        channels.disconnect(a);
        channels.disconnect(a);
        assertThat(seen).containsExactly("connect a", "disconnect a");
        assertThat(channels.channel("anonymous").length()).isZero();
        assertThat(channels.channel("room").length()).isZero();
        assertThat(channels.connections()).isEmpty();
    }

    @Test
    void typedConnectionListenersSeeEachConnectionOnceAndIgnoreOtherPayloads() {
        Application app = new Application();
        Channels channels = Channels.of(app);
        List<Object> seen = new CopyOnWriteArrayList<>();
        channels.onConnection(c -> {
            seen.add("connect " + c.id());
            channels.channel("everybody").join(c);
        }).onDisconnect(c -> seen.add("disconnect " + c.id()));
        Recording a = new Recording("a");
        channels.connect(a);
        assertThat(channels.channel("everybody").contains(a)).isTrue();
        app.emit("connection", "not a connection");   // app code emitting the event by hand
        app.emit("connection");
        channels.disconnect(a);
        assertThat(seen).containsExactly("connect a", "disconnect a");
    }

    @Test
    void publisherLookupOrderServiceEventThenServiceAllThenAppEventThenAppAll() {
        Application app = new Application();
        app.use("messages", new MemoryService());
        app.use("users", new MemoryService());
        app.use("things", new MemoryService());
        Channels channels = Channels.of(app);
        Recording appAll = new Recording("appAll");
        Recording appCreated = new Recording("appCreated");
        Recording msgAll = new Recording("msgAll");
        Recording msgCreated = new Recording("msgCreated");
        for (Recording r : List.of(appAll, appCreated, msgAll, msgCreated)) {
            channels.connect(r);
            channels.channel(r.id()).join(r);
        }
        channels.publish((d, c) -> channels.channel("appAll"));
        channels.publish("created", (d, c) -> channels.channel("appCreated"));
        channels.service("messages").publish((d, c) -> channels.channel("msgAll"));
        channels.service("/messages/").publish("created", (d, c) -> channels.channel("msgCreated"));

        Object m = app.service("messages").create(Map.of("text", "x")).join();
        Object id = ((Map<?, ?>) m).get("id");
        app.service("messages").patch(id, Map.of("text", "y")).join();
        app.service("users").create(Map.of("name", "u")).join();
        app.service("users").remove(0).join();

        assertThat(msgCreated.events()).containsExactly("messages created");
        assertThat(msgAll.events()).containsExactly("messages patched");
        assertThat(appCreated.events()).containsExactly("users created");
        assertThat(appAll.events()).containsExactly("users removed");
        assertThat(msgCreated.received.get(0).get(1)).isEqualTo(m);
    }

    @Test
    void combinedChannelsSendOnceAndDataPerConnection() {
        Application app = new Application();
        app.use("messages", new MemoryService());
        Channels channels = Channels.of(app);
        Recording admin = new Recording("admin");
        Recording user = new Recording("user");
        Recording closed = new Recording("closed");
        for (Recording r : List.of(admin, user, closed)) channels.connect(r);
        channels.channel("admins").join(admin);
        channels.channel("users").join(admin, user, closed);
        closed.open = false;
        channels.publish((data, ctx) -> Channel.combine(
                channels.channel("admins"),
                channels.channel("users").send(Map.of("redacted", true))));

        app.service("messages").create(Map.of("text", "secret")).join();

        assertThat(admin.received).hasSize(1);
        assertThat(((Map<?, ?>) admin.received.get(0).get(1)).get("text")).isEqualTo("secret");
        assertThat(user.received).hasSize(1);
        assertThat(user.received.get(0).get(1)).isEqualTo(Map.of("redacted", true));
        assertThat(closed.received).isEmpty();
        assertThat(channels.channel("admins", "users").length()).isEqualTo(3);
        assertThat(channels.channel("users").filter(c -> c.id().startsWith("u")).connections()).containsExactly(user);
        channels.channel("users").leave(c -> c.id().equals("user"));
        assertThat(channels.channel("users").contains(user)).isFalse();
    }

    @Test
    void oneEventPerItemOfAListResultAndPublisherErrorsAreContained() {
        Application app = new Application();
        app.use("messages", new MemoryService(org.feathers4j.memory.MemoryServiceOptions.defaults().withMulti(true)));
        Channels channels = Channels.of(app);
        Recording a = new Recording("a");
        channels.connect(a);
        channels.channel("all").join(a);
        channels.publish((d, c) -> channels.channel("all"));
        channels.service("messages").publish("removed", (d, c) -> {
            throw new IllegalStateException("boom");
        });
        app.service("messages").create(List.of(Map.of("n", 1), Map.of("n", 2))).join();
        assertThat(a.events()).containsExactly("messages created", "messages created");
        app.service("messages").remove(null).join();
        assertThat(a.events()).hasSize(2);
        assertThat(channels.publisherErrorCount()).isEqualTo(2);
        assertThat(channels.sentCount()).isEqualTo(2);
    }

    @Test
    void customEventsArePublishedToo() {
        Application app = new Application();
        app.use("jobs", new MemoryService() {
            @Override
            public List<String> events() {
                return List.of("progress");
            }
        });
        Channels channels = Channels.of(app);
        Recording a = new Recording("a");
        channels.connect(a);
        channels.channel("all").join(a);
        channels.publish((d, c) -> channels.channel("all"));
        app.service("jobs").emit("progress", Map.of("pct", 50));
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> a.received.size() == 1);
        assertThat(a.received.get(0)).containsExactly("jobs progress", Map.of("pct", 50));
    }
    /** A transport that sends groups: records each call. */
    static final class RecordingBroadcaster implements Broadcaster {
        final List<List<Object>> calls = new CopyOnWriteArrayList<>();

        @Override
        public void send(String event, Object data, List<Connection> connections) {
            calls.add(List.of(event, data, List.copyOf(connections)));
        }
    }

    /** A connection of {@link RecordingBroadcaster}'s transport; its own send must not be used. */
    static final class Grouped extends Recording {
        final Broadcaster broadcaster;

        Grouped(String id, Broadcaster broadcaster) {
            super(id);
            this.broadcaster = broadcaster;
        }

        @Override
        public Broadcaster broadcaster() {
            return broadcaster;
        }

        @Override
        public void send(String event, Object data) {
            throw new AssertionError("sent alone although it has a broadcaster");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void connectionsWithABroadcasterAreSentOncePerGroupOfTheSameData() {
        Application app = new Application();
        app.use("messages", new MemoryService());
        Channels channels = Channels.of(app);
        RecordingBroadcaster b = new RecordingBroadcaster();
        Grouped g1 = new Grouped("g1", b);
        Grouped g2 = new Grouped("g2", b);
        Grouped g3 = new Grouped("g3", b);
        Grouped closed = new Grouped("closed", b);
        Recording plain = new Recording("plain");
        for (Connection c : List.of(g1, g2, g3, closed, plain)) channels.connect(c);
        channels.channel("admins").join(g1);
        channels.channel("all").join(g1, g2, g3, closed, plain);
        closed.open = false;
        Map<String, Object> redacted = Map.of("redacted", true);
        channels.publish((data, ctx) -> Channel.combine(channels.channel("admins"), channels.channel("all").send(redacted)));
        Object created = app.service("messages").create(Map.of("text", "x")).join();

        assertThat(b.calls).hasSize(2);
        assertThat(b.calls).anySatisfy(call -> {
            assertThat(call.get(0)).isEqualTo("messages created");
            assertThat(call.get(1)).isEqualTo(created);
            assertThat((List<Object>) call.get(2)).containsExactly(g1);
        });
        assertThat(b.calls).anySatisfy(call -> {
            assertThat(call.get(1)).isSameAs(redacted);
            assertThat((List<Object>) call.get(2)).containsExactlyInAnyOrder(g2, g3);
        });
        assertThat(plain.received).containsExactly(List.of("messages created", redacted));
        assertThat(channels.sentCount()).isEqualTo(4);
    }

    @Test
    void aBroadcasterThatThrowsFailsItsGroupOnly() {
        Application app = new Application();
        app.use("messages", new MemoryService());
        Channels channels = Channels.of(app);
        Broadcaster failing = (event, data, connections) -> {
            throw new IllegalArgumentException("cannot write");
        };
        Grouped g = new Grouped("g", failing);
        Recording plain = new Recording("plain");
        channels.connect(g);
        channels.connect(plain);
        channels.channel("all").join(g, plain);
        channels.publish((data, ctx) -> channels.channel("all"));
        app.service("messages").create(Map.of("text", "x")).join();
        assertThat(plain.events()).containsExactly("messages created");
        assertThat(channels.sentCount()).isEqualTo(1);
    }
}
