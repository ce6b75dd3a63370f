package org.feathers4j.spring.boot;

import org.feathers4j.sync.SyncOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code feathers4j.*} properties: sync ({@code feathers4j.sync.*}) and server
 * ({@code feathers4j.server.*}). Unset values keep the library's defaults.
 */
@ConfigurationProperties(prefix = "feathers4j")
public class FeathersProperties {

    private final Sync sync = new Sync();
    private final Server server = new Server();

    /** @return the sync settings */
    public Sync getSync() { return sync; }

    /** @return the server settings */
    public Server getServer() { return server; }

    /** {@code feathers4j.sync.*}: sync is configured when {@code uri} is set. */
    public static class Sync {
        /** Broker URI (redis://, rediss://, amqp://, nats://, mongodb://, memory://); sync is off when unset. */
        private String uri;
        /** Channel, exchange, subject or collection name shared by all instances (default feathers-sync). */
        private String key;
        /** Whether to batch published messages into frames (Node feathers-sync peers cannot read them). */
        private Boolean batch;
        /** Messages kept while the broker is unreachable, published on reconnect. */
        private Integer bufferSize;
        /** This instance's id on the bus (default a random UUID). */
        private String instanceId;
        /** Where a durable adapter mode starts at start-up: NEW (default) or LAST (needs instance-id). */
        private SyncOptions.Resume resume;
        /** Whether this instance emits its own events at once and skips their echo from the broker. */
        private Boolean localFirst;
        /** How long start-up waits for the broker before the server accepts clients. */
        private Duration readyTimeout = Duration.ofSeconds(30);
        /** Whether start-up fails when sync is not ready within ready-timeout (false: log and go on). */
        private boolean failOnReadyTimeout = true;
        /** Adapter options by name (see each adapter's README), e.g. connectTimeout=2s. */
        private Map<String, String> options = new LinkedHashMap<>();

        /** @return where a durable mode starts at start-up, or null for the default (NEW) */
        public SyncOptions.Resume getResume() { return resume; }

        /** @param resume where a durable mode starts at start-up */
        public void setResume(SyncOptions.Resume resume) { this.resume = resume; }

        /** @return whether own events are delivered at once (local first), or null for the default (false) */
        public Boolean getLocalFirst() { return localFirst; }

        /** @param localFirst whether own events are delivered at once (local first) */
        public void setLocalFirst(Boolean localFirst) { this.localFirst = localFirst; }

        /** @return the broker URI, or null */
        public String getUri() { return uri; }
        /** @param uri the broker URI */
        public void setUri(String uri) { this.uri = uri; }
        /** @return the key, or null for the default */
        public String getKey() { return key; }
        /** @param key the key */
        public void setKey(String key) { this.key = key; }
        /** @return whether to batch, or null for the default */
        public Boolean getBatch() { return batch; }
        /** @param batch whether to batch */
        public void setBatch(Boolean batch) { this.batch = batch; }
        /** @return the buffer size, or null for the default */
        public Integer getBufferSize() { return bufferSize; }
        /** @param bufferSize messages kept while disconnected */
        public void setBufferSize(Integer bufferSize) { this.bufferSize = bufferSize; }
        /** @return the instance id, or null for a random one */
        public String getInstanceId() { return instanceId; }
        /** @param instanceId the instance id */
        public void setInstanceId(String instanceId) { this.instanceId = instanceId; }
        /** @return how long start-up waits for sync */
        public Duration getReadyTimeout() { return readyTimeout; }
        /** @param readyTimeout how long start-up waits for sync */
        public void setReadyTimeout(Duration readyTimeout) { this.readyTimeout = readyTimeout; }
        /** @return whether start-up fails when sync is not ready in time */
        public boolean isFailOnReadyTimeout() { return failOnReadyTimeout; }
        /** @param failOnReadyTimeout whether start-up fails when sync is not ready in time */
        public void setFailOnReadyTimeout(boolean failOnReadyTimeout) { this.failOnReadyTimeout = failOnReadyTimeout; }
        /** @return the adapter options */
        public Map<String, String> getOptions() { return options; }
        /** @param options the adapter options */
        public void setOptions(Map<String, String> options) { this.options = options; }
    }

    /** {@code feathers4j.server.*}: the Socket.IO/REST server, started with the context. */
    public static class Server {
        /** Whether to create and start the feathers4j server. */
        private boolean enabled = true;
        /** Interface to bind. */
        private String host = "0.0.0.0";
        /** Port to bind; 0 picks a free one. */
        private int port = 3030;
        /** Origins allowed cross-origin and to open Socket.IO connections; "*" reflects any. */
        private List<String> corsOrigins = new ArrayList<>();
        /** Largest HTTP body / websocket frame in bytes (default 1 MiB). */
        private Integer maxPayloadBytes;
        /** Deepest nesting of a REST body or Socket.IO call's arguments (default 64). */
        private Integer maxJsonDepth;
        /** Time an HTTP connection has to deliver a complete request, in ms (default 60000). */
        private Integer idleTimeoutMs;
        /** Socket.IO calls of one connection not yet answered (default 64). */
        private Integer maxCallsInFlight;
        /** Per-connection rate limit in calls per second (default 0, off). */
        private Integer maxCallsPerSecond;
        /** Threads of the pool service calls run on (default max(4, 2 x cores)). */
        private Integer threads;
        /** Static files directory served for paths that are no service. */
        private String staticFiles;
        /** Whether to use the context's ObjectMapper bean (when there is one) for REST and Socket.IO JSON. */
        private boolean useContextObjectMapper = true;

        /** @return whether the server is enabled */
        public boolean isEnabled() { return enabled; }
        /** @param enabled whether the server is enabled */
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        /** @return the host */
        public String getHost() { return host; }
        /** @param host the host */
        public void setHost(String host) { this.host = host; }
        /** @return the port */
        public int getPort() { return port; }
        /** @param port the port */
        public void setPort(int port) { this.port = port; }
        /** @return the CORS origins */
        public List<String> getCorsOrigins() { return corsOrigins; }
        /** @param corsOrigins the CORS origins */
        public void setCorsOrigins(List<String> corsOrigins) { this.corsOrigins = corsOrigins; }
        /** @return the payload limit, or null */
        public Integer getMaxPayloadBytes() { return maxPayloadBytes; }
        /** @param maxPayloadBytes the payload limit */
        public void setMaxPayloadBytes(Integer maxPayloadBytes) { this.maxPayloadBytes = maxPayloadBytes; }
        /** @return the JSON depth limit, or null */
        public Integer getMaxJsonDepth() { return maxJsonDepth; }
        /** @param maxJsonDepth the JSON depth limit */
        public void setMaxJsonDepth(Integer maxJsonDepth) { this.maxJsonDepth = maxJsonDepth; }
        /** @return the idle timeout, or null */
        public Integer getIdleTimeoutMs() { return idleTimeoutMs; }
        /** @param idleTimeoutMs the idle timeout */
        public void setIdleTimeoutMs(Integer idleTimeoutMs) { this.idleTimeoutMs = idleTimeoutMs; }
        /** @return the calls-in-flight limit, or null */
        public Integer getMaxCallsInFlight() { return maxCallsInFlight; }
        /** @param maxCallsInFlight the calls-in-flight limit */
        public void setMaxCallsInFlight(Integer maxCallsInFlight) { this.maxCallsInFlight = maxCallsInFlight; }
        /** @return the rate limit, or null */
        public Integer getMaxCallsPerSecond() { return maxCallsPerSecond; }
        /** @param maxCallsPerSecond the rate limit */
        public void setMaxCallsPerSecond(Integer maxCallsPerSecond) { this.maxCallsPerSecond = maxCallsPerSecond; }
        /** @return the thread count, or null */
        public Integer getThreads() { return threads; }
        /** @param threads the thread count */
        public void setThreads(Integer threads) { this.threads = threads; }
        /** @return the static files directory, or null */
        public String getStaticFiles() { return staticFiles; }
        /** @param staticFiles the static files directory */
        public void setStaticFiles(String staticFiles) { this.staticFiles = staticFiles; }
        /** @return whether the context's ObjectMapper is used */
        public boolean isUseContextObjectMapper() { return useContextObjectMapper; }
        /** @param useContextObjectMapper whether the context's ObjectMapper is used */
        public void setUseContextObjectMapper(boolean useContextObjectMapper) { this.useContextObjectMapper = useContextObjectMapper; }
    }
}
