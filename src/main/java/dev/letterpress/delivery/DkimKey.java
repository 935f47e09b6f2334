package dev.letterpress.delivery;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DKIM private key, ready to sign with the fastest RSA at hand. The RSA operation is nearly all of DKIM's cost
 * (about 1 ms of the 1.05 ms it added per message in {@code bench send --dkim}); BoringSSL's, through Conscrypt, takes
 * ~575 us for a 2048-bit key here against ~980 us for the JDK's. The key is translated into Conscrypt's own form once:
 * handing it the JDK key made Conscrypt convert it on every signature, which was slower than the JDK (1,370 us).
 * Where Conscrypt's native library does not load (a platform it does not ship for), the JDK signs, same bytes.
 */
final class DkimKey {
    private static final Logger log = LoggerFactory.getLogger(DkimKey.class);
    private static final Provider CONSCRYPT = conscrypt();

    private final Provider provider;
    private final PrivateKey key;

    private DkimKey(Provider provider, PrivateKey key) {
        this.provider = provider;
        this.key = key;
    }

    static DkimKey of(PrivateKey jdkKey) {
        if (CONSCRYPT != null) {
            try {
                return new DkimKey(CONSCRYPT, (PrivateKey) KeyFactory.getInstance("RSA", CONSCRYPT).translateKey(jdkKey));
            } catch (GeneralSecurityException | RuntimeException e) {
                log.warn("Conscrypt cannot use the DKIM key ({}); signing with the JDK's RSA", e.toString());
            }
        }
        return new DkimKey(null, jdkKey);
    }

    /** A SHA256withRSA signature, initialised for signing with this key. */
    Signature newSignature() throws GeneralSecurityException {
        Signature s = provider == null ? Signature.getInstance("SHA256withRSA") : Signature.getInstance("SHA256withRSA", provider);
        s.initSign(key);
        return s;
    }

    /** Which implementation signs: "Conscrypt" or "JDK". */
    String implementation() {
        return provider == null ? "JDK" : "Conscrypt";
    }

    private static Provider conscrypt() {
        try {
            return org.conscrypt.Conscrypt.newProvider();
        } catch (Throwable e) { // UnsatisfiedLinkError and friends: no native library for this platform
            log.info("Conscrypt is not available here ({}); DKIM signs with the JDK's RSA", e.toString());
            return null;
        }
    }
}
