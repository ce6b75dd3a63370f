package org.feathers4j.sync.mongodb;

/** Durability of the change-stream mechanism on the in-process server (mongo-java-server, not MongoDB). */
class ChangeStreamDurabilityOnInProcessServerTest extends InProcessDurabilityScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.CHANGE_STREAM;
    }
}
