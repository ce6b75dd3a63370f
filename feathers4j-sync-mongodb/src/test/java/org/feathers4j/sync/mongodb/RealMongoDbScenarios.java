package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.mongodb.ConnectionString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * The scenarios against a real MongoDB server, given by the environment variable
 * {@value #ENV} (e.g. {@code mongodb://127.0.0.1:27017}; a database of each test's own is used).
 * Without it these tests are reported as SKIPPED, never as passed: no MongoDB server can be
 * installed on the machines this project is built on, so CI here does not run them.
 */
@Tag("broker")
abstract class RealMongoDbScenarios extends MongoSyncScenarios {

    static final String ENV = "FEATHERS4J_MONGODB_URI";

    static String serverUri() {
        return System.getenv(ENV);
    }

    @BeforeEach
    void needsARealServer() {
        assumeThat(serverUri()).as("environment variable " + ENV + " (a real MongoDB server; none on this machine)")
                .isNotBlank();
    }

    @Override
    protected String uri(String database) {
        return withDatabase(serverUri(), database);
    }

    /** The connection string with its database replaced. */
    static String withDatabase(String uri, String database) {
        ConnectionString cs = new ConnectionString(uri);
        int hostsStart = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', hostsStart);
        int q = uri.indexOf('?', hostsStart);
        String base = slash >= 0 ? uri.substring(0, slash) : (q >= 0 ? uri.substring(0, q) : uri);
        String query = q >= 0 ? uri.substring(q) : "";
        assumeThat(cs.getHosts()).isNotEmpty();
        return base + "/" + database + query;
    }
}
