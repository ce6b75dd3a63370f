package org.feathers4j.sync;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of an authenticated bus ({@link SyncOptions#signing(SyncKeys)}): one key that signs what
 * this instance sends, any number that verify what it receives (for rotation), and whether what
 * is sent is also encrypted. Immutable; the secrets are copied in and never shown
 * ({@link #toString()} names the key ids only).
 *
 * <p>Every bus message (a batch frame as a whole) is sealed in this envelope:
 * <pre>
 * 0x00 'F' '4' 'J' 'S' 0x01      magic and version (no JSON text starts with 0x00)
 * flags                          1 byte: bit 0 set when the body is encrypted
 * key id length, key id          1 byte (1..255), then the key id in UTF-8
 * nonce                          12 random bytes, only when encrypted
 * body                           the message, or its AES-256-GCM ciphertext and 16-byte tag
 * mac                            32 bytes: HMAC-SHA-256 over every byte before it
 * </pre>
 * The HMAC and AES keys are derived from a key's secret (HMAC-SHA-256 of the secret over two fixed
 * labels), so one secret per key id is all there is to share. A receiver accepts an encrypted or
 * a plain body alike once the MAC verifies, so encryption can be turned on instance by instance.
 *
 * <p>Node feathers-sync cannot read sealed messages: sign only keys where every instance is
 * feathers4j.
 */
public final class SyncKeys {

    /** The shortest secret accepted: 32 bytes (256 bits), the HMAC-SHA-256 block of security. */
    public static final int MIN_SECRET_BYTES = 32;

    private static final byte[] MAGIC = {0x00, 'F', '4', 'J', 'S', 0x01};
    private static final int MAC_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte ENCRYPTED = 1;
    private static final byte[] MAC_LABEL = "feathers4j-sync/hmac-sha256/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AES_LABEL = "feathers4j-sync/aes256-gcm/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One key's derived material; never printed. */
    private static final class Key {
        final byte[] id;
        final SecretKeySpec mac;
        final SecretKeySpec aes;
        final ThreadLocal<Mac> macs; // a Mac is not thread-safe; one per thread, keyed once

        Key(String id, byte[] secret) {
            this.id = id.getBytes(StandardCharsets.UTF_8);
            this.mac = new SecretKeySpec(derive(secret, MAC_LABEL), "HmacSHA256");
            this.aes = new SecretKeySpec(derive(secret, AES_LABEL), "AES");
            this.macs = ThreadLocal.withInitial(() -> newMac(mac));
        }
    }

    private final Key signing;
    private final Map<String, Key> keys; // every key that verifies, the signing one included
    private final boolean encrypt;

    private SyncKeys(Key signing, Map<String, Key> keys, boolean encrypt) {
        this.signing = signing;
        this.keys = keys;
        this.encrypt = encrypt;
    }

    /**
     * Keys that sign with this one (and verify with it).
     *
     * @param keyId  a name for the key, sent in clear with every message (1 to 255 UTF-8 bytes of
     *               printable ASCII), e.g. {@code "2025-06"}
     * @param secret at least {@value #MIN_SECRET_BYTES} random bytes, shared by every instance;
     *               copied, so the caller may wipe its array
     * @throws IllegalArgumentException for a bad key id or a short secret (the message never holds the secret)
     */
    public static SyncKeys signWith(String keyId, byte[] secret) {
        Key k = key(keyId, secret);
        Map<String, Key> keys = new LinkedHashMap<>();
        keys.put(keyId, k);
        return new SyncKeys(k, keys, false);
    }

    /**
     * These keys, also accepting messages signed with another key: the previous key while the
     * instances switch to a new one, or the next key before they start signing with it.
     *
     * @throws IllegalArgumentException for a bad key id, a short secret, or a key id already present
     */
    public SyncKeys accept(String keyId, byte[] secret) {
        Key k = key(keyId, secret);
        if (keys.containsKey(keyId)) throw new IllegalArgumentException("sync key id '" + keyId + "' is given twice");
        Map<String, Key> more = new LinkedHashMap<>(keys);
        more.put(keyId, k);
        return new SyncKeys(signing, more, encrypt);
    }

    /**
     * These keys, encrypting what is sent (AES-256-GCM under the signing key, random 96-bit
     * nonces: rotate the key well before 2^32 messages) or not ({@code false}, the default:
     * signed only, the content readable by anyone on the broker).
     */
    public SyncKeys encrypt(boolean on) {
        return new SyncKeys(signing, keys, on);
    }

    /** Whether what is sent is encrypted. */
    public boolean encrypts() {
        return encrypt;
    }

    /** The id of the key that signs. */
    public String signingKeyId() {
        return new String(signing.id, StandardCharsets.UTF_8);
    }

    /** The ids of every key that verifies, the signing one first. */
    public Set<String> keyIds() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    /** How many bytes sealing adds to a message, at most. */
    public int overhead() {
        return MAGIC.length + 2 + signing.id.length + NONCE_BYTES + TAG_BITS / 8 + MAC_BYTES;
    }

    /** Whether these bytes are a sealed message (they start with the envelope's magic). */
    public static boolean isSealed(byte[] bytes) {
        if (bytes == null || bytes.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (bytes[i] != MAGIC[i]) return false;
        return true;
    }

    /** The message sealed with the signing key (and encrypted when {@link #encrypts()}). */
    public byte[] seal(byte[] message) {
        Objects.requireNonNull(message, "message");
        Key k = signing;
        int head = MAGIC.length + 2 + k.id.length;
        byte[] body = message;
        byte[] nonce = null;
        if (encrypt) {
            nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            head += NONCE_BYTES;
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, k.aes, new GCMParameterSpec(TAG_BITS, nonce));
                body = c.doFinal(message);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available in this JDK", e);
            }
        }
        byte[] out = new byte[head + body.length + MAC_BYTES];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        int p = MAGIC.length;
        out[p++] = encrypt ? ENCRYPTED : 0;
        out[p++] = (byte) k.id.length;
        System.arraycopy(k.id, 0, out, p, k.id.length);
        p += k.id.length;
        if (nonce != null) {
            System.arraycopy(nonce, 0, out, p, NONCE_BYTES);
            p += NONCE_BYTES;
        }
        System.arraycopy(body, 0, out, p, body.length);
        p += body.length;
        Mac mac = k.macs.get();
        mac.update(out, 0, p);
        try {
            mac.doFinal(out, p);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC output did not fit", e);
        }
        return out;
    }

    /**
     * The message inside a sealed one, after its MAC has been verified (and its body decrypted).
     *
     * @throws Rejected when the bytes are not sealed, malformed, signed with a key not accepted
     *                  here, or do not verify; its message names which, never the content
     */
    public byte[] open(byte[] sealed) throws Rejected {
        if (!isSealed(sealed)) throw new Rejected("not signed");
        int p = MAGIC.length;
        if (sealed.length < p + 2 + MAC_BYTES) throw new Rejected("envelope truncated");
        byte flags = sealed[p++];
        int idLength = sealed[p++] & 0xff;
        boolean encrypted = (flags & ENCRYPTED) != 0;
        if ((flags & ~ENCRYPTED) != 0) throw new Rejected("unknown envelope flags");
        int bodyStart = p + idLength + (encrypted ? NONCE_BYTES : 0);
        int macStart = sealed.length - MAC_BYTES;
        if (idLength == 0 || bodyStart > macStart) throw new Rejected("envelope truncated");
        Key k = keys.get(new String(sealed, p, idLength, StandardCharsets.UTF_8));
        if (k == null) throw new Rejected("signed with a key id this instance does not accept");
        Mac mac = k.macs.get();
        mac.update(sealed, 0, macStart);
        byte[] expected = mac.doFinal();
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(sealed, macStart, sealed.length))) {
            throw new Rejected("signature does not verify");
        }
        if (!encrypted) return Arrays.copyOfRange(sealed, bodyStart, macStart);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, k.aes, new GCMParameterSpec(TAG_BITS, sealed, bodyStart - NONCE_BYTES, NONCE_BYTES));
            return c.doFinal(sealed, bodyStart, macStart - bodyStart);
        } catch (GeneralSecurityException e) {
            // the MAC verified, so only a sender with the key could have made this
            throw new Rejected("signed but cannot be decrypted");
        }
    }

    /** Why a message was not opened; carries no content and no stack trace (it is expected input). */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String why) {
            super(why, null, false, false);
        }

        /** Whether the message carried no envelope at all (rather than a bad one). */
        public boolean unsigned() {
            return "not signed".equals(getMessage());
        }
    }

    @Override
    public String toString() {
        Set<String> others = new java.util.LinkedHashSet<>(keys.keySet());
        others.remove(signingKeyId());
        return "SyncKeys{signWith=" + signingKeyId() + ", accept=" + others + ", encrypt=" + encrypt + "}";
    }

    private static Key key(String keyId, byte[] secret) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(secret, "secret");
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > 255 || !keyId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a sync key id is 1 to 255 printable ASCII characters without spaces");
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the secret of sync key '" + keyId + "' has " + secret.length
                    + " bytes; at least " + MIN_SECRET_BYTES + " random bytes are needed");
        }
        return new Key(keyId, secret.clone());
    }

    private static byte[] derive(byte[] secret, byte[] label) {
        Mac m = newMac(new SecretKeySpec(secret, "HmacSHA256"));
        return m.doFinal(label);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JDK", e);
        }
    }
}
