package org.feathers4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the whole harness (200 events, one repetition) with real instance processes
 * and the real Redis: it checks that the harness works, not how fast anything is.
 */
@Tag("broker")
class HarnessSmokeTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void smallRunMeasuresEveryEventAndWritesTheReport(@TempDir Path out) throws Exception {
        Bench.Options o = Bench.Options.parse(new String[] {
            "--events", "200", "--latency-events", "100", "--rate", "500", "--warmup", "50", "--paced-warmup", "100", "--reps", "1",
            "--idle-seconds", "5", "--configs", "feathers4j-redis,raw-java-redis,feathers-sync-redis", "--out", out.toString()
        });
        String cp = System.getProperty("surefire.test.class.path");
        if (cp != null) o.classpath = cp;

        List<Results.ConfigResult> results = new Bench(o).runAll();

        assertThat(results).extracting(r -> r.config.name())
                .containsExactly("feathers4j-redis", "feathers-sync-redis", "raw-java-redis");
        for (Results.ConfigResult r : results) {
            assertThat(r.skipped).as(r.config.name() + " was not run (is Redis up on 127.0.0.1:6379 and `npm ci` done in interop/node?)")
                    .isNull();
            assertThat(r.errors).as(r.config.name() + " errors").isEmpty();
            assertThat(r.reps).hasSize(1);
            Results.Rep rep = r.reps.get(0);
            assertThat(rep.lost()).as(r.config.name() + " lost").isZero();
            assertThat(rep.duplicates()).as(r.config.name() + " duplicates").isZero();
            assertThat(rep.latencyLost()).as(r.config.name() + " latency events lost").isZero();
            assertThat(rep.evPerSec()).as(r.config.name() + " ev/s").isPositive();
            assertThat(rep.latencyMs()[0]).isPositive().isLessThanOrEqualTo(rep.latencyMs()[2]);
            assertThat(rep.latencyMs()[2]).isLessThanOrEqualTo(rep.latencyMs()[4]);
            assertThat(rep.rssReadyA()).isPositive();
            assertThat(rep.rssPeakA()).isGreaterThanOrEqualTo(rep.rssReadyA());
            assertThat(rep.cpuA()).isNotNegative();
            assertThat(rep.readySec()).as(r.config.name() + " start-up").isPositive().isLessThan(90);
        }
        String md = Files.readString(out.resolve("latest.md"));
        assertThat(md).contains("| raw-java-redis |").contains("| feathers-sync-redis |").contains("load average")
                .contains("p99 of each repetition").contains("3 instances ready after (s)");
        assertThat(Files.size(out.resolve("latest.png"))).isGreaterThan(1000);
        // every instance process is gone
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }
}
