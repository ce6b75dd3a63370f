package org.feathers4j.sync.mongodb;

/** Durability of the CHANGE_STREAM mechanism on a real MongoDB server ({@value RealMongoDbScenarios#ENV}); SKIPPED without one. */
class ChangeStreamDurabilityOnRealMongoDbTest extends RealMongoDbDurabilityScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.CHANGE_STREAM;
    }
}
