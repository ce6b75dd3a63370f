package org.feathers4j.sync.mongodb;

import org.junit.jupiter.api.Tag;

/** The polling mechanism against a real MongoDB server ({@value RealMongoDbScenarios#ENV}); SKIPPED without one. */
@Tag("broker")
class PollingOnRealMongoDbTest extends RealMongoDbScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.POLLING;
    }
}
