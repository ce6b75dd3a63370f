package org.feathers4j.sync.mongodb;

/** The polling mechanism against the MongoDB-compatible in-process server (mongo-java-server, not MongoDB). */
class PollingOnInProcessServerTest extends InProcessServerScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.POLLING;
    }
}
