package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SyncKeysTest {

    private static final byte[] SECRET = BusSecurityContract.secret(7);
    private static final byte[] MESSAGE = "{\"event\":\"created\",\"path\":\"messages\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedMessagesOpenSignedOrEncrypted() throws Exception {
        for (SyncKeys keys : new SyncKeys[] {SyncKeys.signWith("k1", SECRET), SyncKeys.signWith("k1", SECRET).encrypt(true)}) {
            byte[] sealed = keys.seal(MESSAGE);
            assertThat(SyncKeys.isSealed(sealed)).isTrue();
            assertThat(sealed.length).isLessThanOrEqualTo(MESSAGE.length + keys.overhead());
            assertThat(keys.open(sealed)).isEqualTo(MESSAGE);
            assertThat(keys.encrypt(!keys.encrypts()).open(sealed)).as("either kind is accepted").isEqualTo(MESSAGE);
        }
        assertThat(new String(SyncKeys.signWith("k1", SECRET).encrypt(true).seal(MESSAGE), StandardCharsets.ISO_8859_1))
                .doesNotContain("created", "messages");
    }

    @Test
    void everyFlippedByteIsRejected() {
        for (SyncKeys keys : new SyncKeys[] {SyncKeys.signWith("k1", SECRET), SyncKeys.signWith("k1", SECRET).encrypt(true)}) {
            byte[] sealed = keys.seal(MESSAGE);
            for (int i = 0; i < sealed.length; i++) {
                byte[] bad = sealed.clone();
                bad[i] ^= 0x40;
                int at = i;
                assertThatThrownBy(() -> keys.open(bad)).as("byte %d flipped", at).isInstanceOf(SyncKeys.Rejected.class);
            }
        }
    }

    @Test
    void unsignedWrongKeyAndUnknownKeyIdAreToldApart() {
        SyncKeys keys = SyncKeys.signWith("k1", SECRET);
        assertThatThrownBy(() -> keys.open(MESSAGE)).isInstanceOfSatisfying(SyncKeys.Rejected.class, r -> assertThat(r.unsigned()).isTrue());
        byte[] wrongSecret = SyncKeys.signWith("k1", BusSecurityContract.secret(8)).seal(MESSAGE);
        assertThatThrownBy(() -> keys.open(wrongSecret)).hasMessage("signature does not verify")
                .isInstanceOfSatisfying(SyncKeys.Rejected.class, r -> assertThat(r.unsigned()).isFalse());
        byte[] otherId = SyncKeys.signWith("k2", SECRET).seal(MESSAGE);
        assertThatThrownBy(() -> keys.open(otherId)).hasMessageContaining("key id");
    }

    @Test
    void rotationVerifiesWithEveryAcceptedKeyAndSignsWithOne() throws Exception {
        byte[] next = BusSecurityContract.secret(9);
        SyncKeys old = SyncKeys.signWith("k1", SECRET);
        SyncKeys rotated = SyncKeys.signWith("k2", next).accept("k1", SECRET);
        assertThat(rotated.open(old.seal(MESSAGE))).isEqualTo(MESSAGE);
        assertThat(rotated.open(rotated.seal(MESSAGE))).isEqualTo(MESSAGE);
        assertThat(rotated.signingKeyId()).isEqualTo("k2");
        assertThat(rotated.keyIds()).containsExactly("k2", "k1");
        assertThatThrownBy(() -> old.open(rotated.seal(MESSAGE))).isInstanceOf(SyncKeys.Rejected.class);
    }

    @Test
    void secretsAreNeverShownAndShortOnesRefused() {
        SyncKeys keys = SyncKeys.signWith("k2", SECRET).accept("k1", BusSecurityContract.secret(3)).encrypt(true);
        String shown = keys + " " + SyncOptions.uri("memory://x").signing(keys);
        assertThat(shown).isEqualTo("SyncKeys{signWith=k2, accept=[k1], encrypt=true} "
                + "SyncOptions{uri=memory://x, key=feathers-sync, signing=SyncKeys{signWith=k2, accept=[k1], encrypt=true}, options=[]}");
        assertThat(shown).doesNotContain(HexFormat.of().formatHex(SECRET), Base64.getEncoder().encodeToString(SECRET));
        byte[] shortSecret = "short-password".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SyncKeys.signWith("k1", shortSecret))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32").hasMessageNotContaining("short-password");
        assertThatThrownBy(() -> SyncKeys.signWith("bad id", SECRET)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.accept("k1", SECRET)).hasMessageContaining("twice");
    }

    @Test
    void theCallerMayWipeItsSecretArray() throws Exception {
        byte[] mine = SECRET.clone();
        SyncKeys keys = SyncKeys.signWith("k1", mine);
        java.util.Arrays.fill(mine, (byte) 0);
        assertThat(SyncKeys.signWith("k1", SECRET).open(keys.seal(MESSAGE))).isEqualTo(MESSAGE);
    }
}
