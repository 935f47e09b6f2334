package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DkimKeyTest {
    @Test
    void signsWithConscryptWhereItShipsANativeLibraryAndTheSignatureVerifiesWithTheJdk() throws Exception {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        // Conscrypt 2.5.2 ships linux/osx/windows x86_64 libraries; elsewhere the JDK signs (covered by DkimSigningTest)
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "no Conscrypt library for " + os + "/" + arch);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        DkimKey key = DkimKey.of(pair.getPrivate());
        assertThat(key.implementation()).isEqualTo("Conscrypt");

        byte[] data = "from:Letterpress <news@example.com>\r\n".getBytes(StandardCharsets.US_ASCII);
        Signature signer = key.newSignature();
        signer.update(data);
        byte[] signature = signer.sign();
        Signature jdk = Signature.getInstance("SHA256withRSA");
        jdk.initVerify(pair.getPublic());
        jdk.update(data);
        assertThat(jdk.verify(signature)).isTrue();
        // PKCS#1 v1.5 is deterministic: the JDK's own signature is the same bytes
        Signature reference = Signature.getInstance("SHA256withRSA");
        reference.initSign(pair.getPrivate());
        reference.update(data);
        assertThat(signature).isEqualTo(reference.sign());
    }
}
