package dev.letterpress.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The DKIM phase of {@code bench send}: a fresh 2048-bit key, as `openssl genpkey` writes it, and the settings that use it. */
final class BenchDkim {
    private BenchDkim() {}

    /** {@code settings} plus dkim.domain, dkim.selector and dkim.private.key (a new key written into {@code work}). */
    static Map<String, String> with(Map<String, String> settings, Path work) throws IOException {
        Path key = work.resolve("bench-dkim.pem");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key for the DKIM phase", e);
        }
        Map<String, String> m = new HashMap<>(settings);
        m.put("dkim.domain", "bench.example.com");
        m.put("dkim.selector", "bench");
        m.put("dkim.private.key", key.toString());
        return m;
    }

    /** What signing added per message, against the same campaign unsigned in the same run. */
    static void printCost(BenchSendCommand.Figures plain, BenchSendCommand.Figures signed) {
        double plainUs = plain.cpuSeconds() * 1e6 / Math.max(1, plain.messages());
        double signedUs = signed.cpuSeconds() * 1e6 / Math.max(1, signed.messages());
        System.out.printf("DKIM (rsa-sha256, 2048-bit, relaxed/relaxed): %+.0f us of CPU per message (%.0f vs %.0f us, %+.0f %%), "
                        + "msgs/s %.2fx of unsigned%n", signedUs - plainUs, signedUs, plainUs, 100 * (signedUs / plainUs - 1),
                signed.rate() / plain.rate());
    }
}
