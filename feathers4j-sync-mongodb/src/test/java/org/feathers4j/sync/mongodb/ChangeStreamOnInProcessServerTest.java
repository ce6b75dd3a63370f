package org.feathers4j.sync.mongodb;

/** The change-stream mechanism against the MongoDB-compatible in-process server (mongo-java-server, not MongoDB). */
class ChangeStreamOnInProcessServerTest extends InProcessServerScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.CHANGE_STREAM;
    }
}
