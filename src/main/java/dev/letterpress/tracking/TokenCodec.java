package dev.letterpress.tracking;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compact, URL-safe, signed and opaque tokens. The ids are packed into one 16-byte block and encrypted
 * (AES, a single block, so the ids cannot be read or enumerated from a URL), then authenticated with a
 * truncated HMAC-SHA256 over key id and ciphertext. Layout: {@code kid(1) | AES(block)(16) | MAC(10)},
 * 36 base64url characters. A token decodes only for the purpose it was made for.
 *
 * <p>Keys rotate: the codec holds a list of secrets, newest first. The newest signs every new token; every
 * listed key still verifies its own tokens (found by the key id, a byte derived from the secret), so mail
 * already sent keeps working until its key is removed from the list, after which its tokens are refused.
 */
public final class TokenCodec {
    private static final int MAC_BYTES = 10;
    private static final int TOKEN_BYTES = 1 + 16 + MAC_BYTES;
    private static final long MAX_CAMPAIGN = 0xFFFF_FFFFL;
    private static final long MAX_SUBSCRIBER = 0xFFFF_FFFF_FFFFL;
    private static final long MAX_EXTRA = 0xFFFF_FFFFL;

    /** Newest first: keys.get(0) signs. */
    private final List<Key> keys;

    /** One signing key and its derived parts. Cipher and Mac are not thread-safe: one per thread avoids locking. */
    private static final class Key {
        final byte id;
        final SecretKeySpec encKey;
        final ThreadLocal<Cipher> encrypt;
        final ThreadLocal<Cipher> decrypt;
        final ThreadLocal<Mac> mac;

        Key(String secret) {
            byte[] master = secret.getBytes(StandardCharsets.UTF_8);
            this.encKey = new SecretKeySpec(Arrays.copyOf(derive(master, "letterpress token encryption"), 16), "AES");
            SecretKeySpec macKey = new SecretKeySpec(derive(master, "letterpress token signature"), "HmacSHA256");
            this.id = derive(master, "letterpress key id")[0];
            this.encrypt = ThreadLocal.withInitial(() -> cipher(Cipher.ENCRYPT_MODE, encKey));
            this.decrypt = ThreadLocal.withInitial(() -> cipher(Cipher.DECRYPT_MODE, encKey));
            this.mac = ThreadLocal.withInitial(() -> newMac(macKey));
        }
    }

    public TokenCodec(String secret) {
        this(List.of(secret));
    }

    /** {@code secrets} newest first: the first signs, all of them verify. */
    public TokenCodec(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one token secret is needed");
        }
        this.keys = secrets.stream().map(Key::new).toList();
    }

    public String encode(Token t) {
        if (t.campaign() < 0 || t.campaign() > MAX_CAMPAIGN || t.subscriber() < 0 || t.subscriber() > MAX_SUBSCRIBER
                || t.extra() < 0 || t.extra() > MAX_EXTRA) {
            throw new IllegalArgumentException("id out of token range: " + t);
        }
        ByteBuffer block = ByteBuffer.allocate(16);
        block.put((byte) (t.purpose().ordinal() + 1));
        block.putInt((int) t.campaign());
        block.putShort((short) (t.subscriber() >>> 32)).putInt((int) t.subscriber());
        block.putInt((int) t.extra());
        block.put((byte) 0x4C); // fixed check byte: a forged ciphertext decrypts to garbage here
        byte[] out = new byte[TOKEN_BYTES];
        Key key = keys.get(0);
        out[0] = key.id;
        try {
            key.encrypt.get().doFinal(block.array(), 0, 16, out, 1);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Mac m = key.mac.get();
        m.update(out, 0, 17);
        System.arraycopy(m.doFinal(), 0, out, 17, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The token's content if it is authentic and made for {@code purpose}; empty for anything else. */
    public Optional<Token> decode(String text, Token.Purpose purpose) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != TOKEN_BYTES) {
            return Optional.empty();
        }
        for (Key key : keys) {
            // ids are one byte: two keys may share one, so every key with the token's id is tried
            if (key.id == raw[0]) {
                Optional<Token> t = decode(raw, key, purpose);
                if (t.isPresent()) {
                    return t;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Token> decode(byte[] raw, Key key, Token.Purpose purpose) {
        Mac m = key.mac.get();
        m.update(raw, 0, 17);
        byte[] expected = Arrays.copyOf(m.doFinal(), MAC_BYTES);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, 17, TOKEN_BYTES))) {
            return Optional.empty();
        }
        byte[] plain;
        try {
            plain = key.decrypt.get().doFinal(raw, 1, 16);
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(plain);
        int p = b.get() - 1;
        long campaign = Integer.toUnsignedLong(b.getInt());
        long subscriber = ((long) (b.getShort() & 0xFFFF) << 32) | Integer.toUnsignedLong(b.getInt());
        long extra = Integer.toUnsignedLong(b.getInt());
        if (b.get() != 0x4C || p != purpose.ordinal()) {
            return Optional.empty();
        }
        return Optional.of(new Token(purpose, campaign, subscriber, extra));
    }

    private static Cipher cipher(int mode, SecretKeySpec encKey) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding"); // one block of unique ids: ECB is a plain block permutation here
            c.init(mode, encKey);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Mac newMac(SecretKeySpec macKey) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(macKey);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] derive(byte[] master, String label) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(master, "HmacSHA256"));
            return m.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
