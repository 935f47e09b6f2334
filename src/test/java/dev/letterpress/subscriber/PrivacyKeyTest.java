package dev.letterpress.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.config.Config;
import dev.letterpress.tracking.Secrets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The privacy hashes (IP addresses in consent records, erasure markers) survive a rotation of the token-signing keys. */
class PrivacyKeyTest {
    @TempDir
    Path dir;

    @Test
    void rotatingTheSigningKeysKeepsErasureMarkersFindableAndIpHashesComparable() {
        Config config = TestSupport.config(dir, 25, Map.of());
        String hashBefore;
        try (App app = App.create(config)) {
            MailingList list = app.subscribers.createList("Weekly", null);
            Subscriber ann = app.subscribers.addToList(list.id(), "ann@example.com", "Ann", Map.of(), Subscription.CONFIRMED, "test");
            Subscriber bob = app.subscribers.addToList(list.id(), "bob@example.com", "Bob", Map.of(), Subscription.CONFIRMED, "test");
            app.consent.record(ann.id(), list.id(), ConsentLog.Action.SUBSCRIBE_REQUEST, "test", "v1", "198.51.100.7");
            hashBefore = (String) app.consent.of(ann.id()).get(0).get("ipHash");
            app.dataRights.erase(bob.id(), "test", null);
            assertThat(app.dataRights.wasErased("bob@example.com")).isTrue();
            Secrets.rotate(app.db.jdbc());
        }
        try (App app = App.create(config)) { // the new key signs from this start on
            Subscriber ann = app.subscribers.findByEmail("ann@example.com").orElseThrow();
            app.consent.record(ann.id(), null, ConsentLog.Action.UNSUBSCRIBE, "test", "v1", "198.51.100.7");
            assertThat(app.consent.of(ann.id())).extracting(r -> r.get("ipHash")).containsOnly(hashBefore);
            assertThat(app.dataRights.wasErased("bob@example.com")).isTrue();
        }
    }
}
