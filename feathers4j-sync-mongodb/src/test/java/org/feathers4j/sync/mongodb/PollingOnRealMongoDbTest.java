package org.feathers4j.sync.mongodb;

/** The polling mechanism against a real MongoDB server ({@value RealMongoDbScenarios#ENV}); SKIPPED without one. */
class PollingOnRealMongoDbTest extends RealMongoDbScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.POLLING;
    }
}
