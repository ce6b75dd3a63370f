package org.feathers4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The examples run and do what their docs say. */
class ExamplesTest {

    @Test
    void threeInstancesSeeEachOthersMessages() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int seen = ThreeInstances.run("memory://examples-test", new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(seen).isEqualTo(9);
        assertThat(out).contains("instance B got 'created' {text=hello from A, id=0} (from the bus)")
                .contains("every instance saw all 3 messages");
    }

    @Test
    void bothCustomAdapterRoutesWork() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int seen = CustomAdapterExample.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(seen).isEqualTo(4);
        assertThat(out).contains("[toy] created {text=via the SPI adapter, id=0}")
                .contains("[toy-events] created {text=via sync-out/sync-in, id=0}");
    }
}
