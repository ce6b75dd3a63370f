package org.feathers4j.benchmarks.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyncDriverTest {

    @Test
    void extraOptionsAreNameValuePairs() {
        assertThat(SyncDriver.extraOptions(null)).isEmpty();
        assertThat(SyncDriver.extraOptions(" ")).isEmpty();
        assertThat(SyncDriver.extraOptions("persistent=false, prefetch = 500,uri=a=b"))
                .containsExactly(java.util.Map.entry("persistent", "false"), java.util.Map.entry("prefetch", "500"),
                        java.util.Map.entry("uri", "a=b"));
    }

    @Test
    void aPairWithoutANameIsRefusedByName() {
        assertThatThrownBy(() -> SyncDriver.extraOptions("persistent=false,oops"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'oops' is not name=value");
        assertThatThrownBy(() -> SyncDriver.extraOptions("=x")).hasMessageContaining("is not name=value");
    }
}
