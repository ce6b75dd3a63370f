package org.feathers4j.sync.mongodb;

/** Durability of the TAILABLE mechanism on a real MongoDB server ({@value RealMongoDbScenarios#ENV}); SKIPPED without one. */
class TailableDurabilityOnRealMongoDbTest extends RealMongoDbDurabilityScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.TAILABLE;
    }
}
