package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.tracking.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * Rotating the token-signing keys kept in the database (when tracking.secret is empty). With tracking.secret
 * set, rotation is done in the config instead: list the new secret first, keep the old ones after it.
 */
@Command(name = "signing-keys", description = "Rotate the keys that sign the tokens in public URLs.",
        subcommands = {SigningKeysCommand.Rotate.class, SigningKeysCommand.Retire.class})
final class SigningKeysCommand {
    @ParentCommand
    Main main;

    /** Refuses when tracking.secret is set: the stored keys would not be used, so changing them would mislead. */
    static App storedKeysApp(Main main) {
        App app = main.app();
        if (!app.config.trackingSecret().isBlank()) {
            app.close();
            throw new IllegalArgumentException("tracking.secret is set, so the keys come from the config: rotate there"
                    + " (put the new secret first, comma-separated, keep the old ones after it)");
        }
        return app;
    }

    @Command(name = "rotate", description = "Add a new key; it signs new tokens after the next start, old keys keep verifying.")
    static final class Rotate implements Runnable {
        @ParentCommand
        SigningKeysCommand parent;

        @Override
        public void run() {
            try (App app = storedKeysApp(parent.main)) {
                int n = Secrets.rotate(app.db.jdbc());
                System.out.println("New signing key stored; " + n + " keys now (the newest signs after the next start of"
                        + " every node, all verify). Retire the oldest with `letterpress signing-keys retire` once its mail is old enough.");
            }
        }
    }

    @Command(name = "retire", description = "Remove the oldest key: links in mail signed with it get 404 from the next start on.")
    static final class Retire implements Runnable {
        @ParentCommand
        SigningKeysCommand parent;

        @Override
        public void run() {
            try (App app = storedKeysApp(parent.main)) {
                int n = Secrets.retireOldest(app.db.jdbc());
                System.out.println("Oldest signing key removed; " + n + " key" + (n == 1 ? "" : "s") + " left. Restart every node for it to take effect.");
            }
        }
    }
}
