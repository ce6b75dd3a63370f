package hello;

import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.channels.Channels;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.sync.Sync;

public class HelloWorld {
    public static void main(String[] args) {
        String host = System.getenv().getOrDefault("HOST", "127.0.0.1");   // 0.0.0.0 to serve other machines
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "3030"));
        String broker = System.getenv().getOrDefault("SYNC_URI", "redis://127.0.0.1:6379");

        Application app = new Application();
        app.use("messages", new MemoryService());
        app.configure(Sync.of(broker));               // or redis-cluster://, amqp://, nats://, kafka://, mongodb://

        // every real-time client joins one channel that gets every event, from every instance
        Channels channels = Channels.of(app);
        channels.onConnection(connection -> channels.channel("everybody").join(connection));
        channels.publish((data, ctx) -> channels.channel("everybody"));

        // with sync, every event comes back through the broker: this instance's and the others'
        app.service("messages").on("created", (message, ctx) -> System.out.println("created: " + message));

        app.sync().ready().orTimeout(30, TimeUnit.SECONDS).join();   // connected to the broker
        FeathersServer.create(app).host(host).port(port).start();    // REST and Socket.IO on one port
        System.out.println("listening on http://" + host + ":" + port);
    }
}
