package org.feathers4j.sync.mongodb;

/** Durability of the polling mechanism on the in-process server (mongo-java-server, not MongoDB). */
class PollingDurabilityOnInProcessServerTest extends InProcessDurabilityScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.POLLING;
    }
}
