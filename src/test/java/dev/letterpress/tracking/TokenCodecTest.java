package dev.letterpress.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Signed, encrypted public-URL tokens: round trips, opacity, and refusal of anything not made by us. */
class TokenCodecTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final long MAX_CAMPAIGN = 0xFFFF_FFFFL;
    private static final long MAX_SUBSCRIBER = (1L << 48) - 1;
    private static final long MAX_EXTRA = 0xFFFF_FFFFL;

    private final TokenCodec codec = new TokenCodec(SECRET);

    @ParameterizedTest
    @EnumSource(Token.Purpose.class)
    void roundTripsEveryPurposeIncludingTheLargestIds(Token.Purpose purpose) {
        for (Token t : List.of(
                new Token(purpose, 0, 0, 0),
                new Token(purpose, 1, 1, 1),
                new Token(purpose, 42, 123_456_789_012L, 7),
                new Token(purpose, MAX_CAMPAIGN, MAX_SUBSCRIBER, MAX_EXTRA),
                new Token(purpose, 0x8000_0000L, 1L << 47, 0x8000_0000L))) {
            String encoded = codec.encode(t);
            assertThat(encoded).hasSize(36).matches("[A-Za-z0-9_-]{36}");
            assertThat(codec.decode(encoded, purpose)).contains(t);
        }
    }

    @Test
    void aTokenIsOpaqueTheIdsCannotBeReadFromIt() {
        String a = codec.encode(new Token(Token.Purpose.CLICK, 5, 1000, 3));
        String b = codec.encode(new Token(Token.Purpose.CLICK, 5, 1001, 3));
        // one subscriber id apart: the encrypted block changes completely, not one character
        assertThat(differingPositions(a, b)).isGreaterThan(20);
        // no id in clear: the decoded bytes contain neither id's big-endian bytes
        byte[] raw = Base64.getUrlDecoder().decode(codec.encode(new Token(Token.Purpose.OPEN, 0x1234_5678L, 0x9ABC_DEF0_1234L, 0)));
        assertThat(raw).hasSize(27);
        assertThat(indexOf(raw, new byte[] {0x12, 0x34, 0x56, 0x78})).isEqualTo(-1);
        assertThat(indexOf(raw, new byte[] {(byte) 0x9A, (byte) 0xBC, (byte) 0xDE, (byte) 0xF0, 0x12, 0x34})).isEqualTo(-1);
        // ... while the same search does find them when they are there (the check itself works)
        assertThat(indexOf(new byte[] {0, 0x12, 0x34, 0x56, 0x78}, new byte[] {0x12, 0x34, 0x56, 0x78})).isEqualTo(1);
        // the same token always encodes the same (links are stable across renders)
        assertThat(codec.encode(new Token(Token.Purpose.CLICK, 5, 1000, 3))).isEqualTo(a);
    }

    @Test
    void aTokenDecodesOnlyForThePurposeItWasMadeFor() {
        for (Token.Purpose made : Token.Purpose.values()) {
            String encoded = codec.encode(new Token(made, 9, 99, 999));
            for (Token.Purpose asked : Token.Purpose.values()) {
                if (asked != made) {
                    assertThat(codec.decode(encoded, asked)).as(made + " token read as " + asked).isEmpty();
                }
            }
        }
    }

    @Test
    void everySingleCharacterChangeIsRefused() {
        // every position replaced by every other URL-safe character: 36 x 63 tampered tokens
        String good = codec.encode(new Token(Token.Purpose.UNSUBSCRIBE, 77, 4242, 3));
        assertThat(codec.decode(good, Token.Purpose.UNSUBSCRIBE)).isPresent();
        List<String> accepted = new ArrayList<>();
        int tried = 0;
        for (int i = 0; i < good.length(); i++) {
            for (char c : ALPHABET.toCharArray()) {
                if (c == good.charAt(i)) {
                    continue;
                }
                String tampered = good.substring(0, i) + c + good.substring(i + 1);
                tried++;
                if (codec.decode(tampered, Token.Purpose.UNSUBSCRIBE).isPresent()) {
                    accepted.add(tampered);
                }
            }
        }
        assertThat(tried).isEqualTo(36 * 63);
        assertThat(accepted).isEmpty();
    }

    @Test
    void malformedInputIsRefused() {
        String good = codec.encode(new Token(Token.Purpose.VIEW, 1, 2, 0));
        assertThat(codec.decode(null, Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode("", Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(good.substring(0, 35), Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(good.substring(1), Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(good + "A", Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(good + good, Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode("!".repeat(36), Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode("A".repeat(36), Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(good.substring(0, 34) + "==", Token.Purpose.VIEW)).isEmpty();
        // standard (not URL-safe) base64 alphabet
        assertThat(codec.decode(good.substring(0, 35) + "+", Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(good.substring(0, 35) + "/", Token.Purpose.VIEW)).isEmpty();
        assertThat(codec.decode(" " + good.substring(1), Token.Purpose.VIEW)).isEmpty();
        // and the good one still decodes
        assertThat(codec.decode(good, Token.Purpose.VIEW)).contains(new Token(Token.Purpose.VIEW, 1, 2, 0));
    }

    @Test
    void aTokenMadeWithAnotherSecretIsRefused() {
        TokenCodec other = new TokenCodec(SECRET + "x");
        for (Token.Purpose p : Token.Purpose.values()) {
            Token t = new Token(p, 3, 4, 5);
            assertThat(other.encode(t)).isNotEqualTo(codec.encode(t));
            assertThat(codec.decode(other.encode(t), p)).isEmpty();
            assertThat(other.decode(codec.encode(t), p)).isEmpty();
        }
    }

    @Test
    void rotatedKeysTheNewestSignsAndOldTokensStillVerifyUntilTheirKeyIsRemoved() {
        String newer = "fedcba9876543210fedcba9876543210-newer-secret";
        TokenCodec before = codec; // only the old key
        TokenCodec rotated = new TokenCodec(List.of(newer, SECRET));
        TokenCodec retired = new TokenCodec(List.of(newer));
        for (Token.Purpose p : Token.Purpose.values()) {
            Token t = new Token(p, 12, 3456, 7);
            String old = before.encode(t);
            // the old key's token still verifies after rotation...
            assertThat(rotated.decode(old, p)).contains(t);
            // ...new tokens are signed with the newest key: the old codec does not know them
            String fresh = rotated.encode(t);
            assertThat(fresh).isNotEqualTo(old);
            assertThat(before.decode(fresh, p)).isEmpty();
            assertThat(retired.decode(fresh, p)).contains(t);
            // once the old key is removed, its tokens are refused
            assertThat(retired.decode(old, p)).isEmpty();
            // rotation does not weaken purpose separation
            Token.Purpose other = Token.Purpose.values()[(p.ordinal() + 1) % Token.Purpose.values().length];
            assertThat(rotated.decode(old, other)).isEmpty();
        }
    }

    @Test
    void twoKeysWithTheSameOneByteIdBothVerify() {
        // key ids are one byte, so among a few hundred secrets two share one: both must still verify
        java.util.Map<Byte, String> byId = new java.util.HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String s = "collision-search-secret-0123456789-" + i;
            byte id = Base64.getUrlDecoder().decode(new TokenCodec(s).encode(new Token(Token.Purpose.OPEN, 1, 1, 0)))[0];
            String earlier = byId.putIfAbsent(id, s);
            if (earlier != null) {
                a = earlier;
                b = s;
            }
        }
        TokenCodec both = new TokenCodec(List.of(a, b));
        Token t = new Token(Token.Purpose.CLICK, 5, 6, 7);
        assertThat(both.decode(new TokenCodec(a).encode(t), Token.Purpose.CLICK)).contains(t);
        assertThat(both.decode(new TokenCodec(b).encode(t), Token.Purpose.CLICK)).contains(t);
        assertThat(new TokenCodec(a).decode(new TokenCodec(b).encode(t), Token.Purpose.CLICK)).isEmpty();
    }

    @Test
    void secretListsAreParsedNewestFirst() {
        assertThat(Secrets.parse(" new-one , old-one,, ")).containsExactly("new-one", "old-one");
        assertThat(Secrets.parse("")).isEmpty();
    }

    @Test
    void idsOutOfRangeCannotBeEncoded() {
        for (Token t : List.of(
                new Token(Token.Purpose.OPEN, MAX_CAMPAIGN + 1, 1, 0),
                new Token(Token.Purpose.OPEN, -1, 1, 0),
                new Token(Token.Purpose.OPEN, 1, MAX_SUBSCRIBER + 1, 0),
                new Token(Token.Purpose.OPEN, 1, -1, 0),
                new Token(Token.Purpose.CLICK, 1, 1, MAX_EXTRA + 1),
                new Token(Token.Purpose.CLICK, 1, 1, -1),
                new Token(Token.Purpose.CLICK, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))) {
            assertThatThrownBy(() -> codec.encode(t)).as(t.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of token range");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int differingPositions(String a, String b) {
        int n = 0;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                n++;
            }
        }
        return n;
    }
}
