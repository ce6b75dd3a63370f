package org.feathers4j.sync.mongodb;

/** Durability of the POLLING mechanism on a real MongoDB server ({@value RealMongoDbScenarios#ENV}); SKIPPED without one. */
class PollingDurabilityOnRealMongoDbTest extends RealMongoDbDurabilityScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.POLLING;
    }
}
