package dev.letterpress.delivery;

import dev.letterpress.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/** The DKIM key file named by dkim.private.key, and the DNS record that publishes its public half. */
final class DkimKeyFile {
    private DkimKeyFile() {
    }

    /**
     * Reads an unencrypted PKCS#8 RSA private key, PEM ("BEGIN PRIVATE KEY") or DER, of at least 1024 bits
     * (verifiers ignore shorter keys). Anything else stops start-up with an error naming dkim.private.key.
     */
    static PrivateKey load(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw badKey(file, "cannot read it (" + e + ")");
        }
        String text = new String(raw, StandardCharsets.US_ASCII);
        byte[] der = raw;
        if (text.contains("-----BEGIN")) {
            if (text.contains("BEGIN RSA PRIVATE KEY")) {
                throw badKey(file, "it is a PKCS#1 key (BEGIN RSA PRIVATE KEY); convert it with "
                        + "`openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW`");
            }
            if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
                throw badKey(file, "it is encrypted; write it without a passphrase (openssl pkcs8 -topk8 -nocrypt)");
            }
            int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
            int end = text.indexOf("-----END PRIVATE KEY-----");
            if (begin < 0 || end < begin) {
                throw badKey(file, "it holds no \"BEGIN PRIVATE KEY\" PEM block");
            }
            try {
                der = Base64.getMimeDecoder().decode(text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
            } catch (IllegalArgumentException e) {
                throw badKey(file, "its PEM block is not valid base64");
            }
        }
        PrivateKey k;
        try {
            k = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw badKey(file, "it is not a PKCS#8 RSA private key (" + e.getMessage() + ")");
        }
        int bits = ((RSAPrivateKey) k).getModulus().bitLength();
        if (bits < 1024) {
            throw badKey(file, "the key has " + bits + " bits; verifiers require at least 1024 (2048 recommended)");
        }
        return k;
    }

    private static ConfigException badKey(Path file, String why) {
        return new ConfigException("invalid configuration: dkim.private.key = '" + file + "': " + why
                + "; expected an unencrypted PKCS#8 RSA private key, PEM (\"BEGIN PRIVATE KEY\") or DER, e.g. from "
                + "`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim.pem`");
    }

    /** The DNS TXT record to publish at {@code <selector>._domainkey.<domain>} for {@code key}. */
    static String dnsRecord(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("the public key cannot be derived from this private key");
        }
        try {
            byte[] spki = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())).getEncoded();
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(spki);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
