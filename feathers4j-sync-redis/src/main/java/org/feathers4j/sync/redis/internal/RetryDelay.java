package org.feathers4j.sync.redis.internal;

import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait before connection attempt {@code n} after a loss (Lettuce's reconnects) or a failure (the first
 * connection): none before the first retry, so a dropped link that can be made again at once (a killed client, a
 * proxy restart) is back within a round trip; then {@code min}, doubling per attempt up to {@code max}, each drawn
 * between half and all of it (jitter, so instances that lost Redis together do not retry in step). A Redis that is
 * down for long thus sees one attempt per connection every {@code max / 2 .. max}.
 */
final class RetryDelay extends Delay {

    private final long minMillis;
    private final long maxMillis;

    RetryDelay(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    @Override
    public Duration createDelay(long attempt) {
        if (attempt <= 1) return Duration.ZERO;
        long shift = Math.min(attempt - 2, 30);
        long target = Math.min(maxMillis, minMillis << shift);
        long half = target / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(target - half + 1));
    }
}
