package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.mongodb.ConnectionString;
import org.feathers4j.sync.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * The durability scenarios against a real MongoDB server ({@value RealMongoDbScenarios#ENV}, a
 * single-host, non-SRV URI; B reaches it through a {@link TcpProxy} that the link-cut test cuts).
 * Without it these tests are reported as SKIPPED, never as passed.
 */
@Tag("broker")
@Tag("slow")
abstract class RealMongoDbDurabilityScenarios extends MongoDurabilityScenarios {

    private TcpProxy proxy;

    @BeforeEach
    void needsARealServer() throws Exception {
        assumeThat(RealMongoDbScenarios.serverUri())
                .as("environment variable " + RealMongoDbScenarios.ENV + " (a real MongoDB server; none on this machine)")
                .isNotBlank();
        ConnectionString cs = new ConnectionString(RealMongoDbScenarios.serverUri());
        assumeThat(cs.getHosts()).as("a single-host URI (the link-cut test relays it)").hasSize(1);
        String host = cs.getHosts().get(0);
        int colon = host.lastIndexOf(':');
        proxy = new TcpProxy(colon < 0 ? host : host.substring(0, colon), colon < 0 ? 27017 : Integer.parseInt(host.substring(colon + 1)));
        proxy.open();
    }

    @AfterEach
    void closeProxy() {
        if (proxy != null) proxy.close();
    }

    @Override
    protected String uri(String database) {
        return RealMongoDbScenarios.withDatabase(RealMongoDbScenarios.serverUri(), database);
    }

    @Override
    protected String cuttableUri(String database) {
        String uri = uri(database);
        String host = new ConnectionString(uri).getHosts().get(0);
        // directConnection: the driver must not follow the replica set's member list around the relay
        return uri.replace(host, "127.0.0.1:" + proxy.port()) + (uri.contains("?") ? "&" : "?") + "directConnection=true";
    }

    @Override
    protected void cutOne() {
        proxy.shut();
    }

    @Override
    protected void restoreOne() throws Exception {
        proxy.open();
    }

    @Override
    protected int rate() {
        return 500;
    }
}
