package dev.letterpress.cli;

import dev.letterpress.App;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "keys", description = "API keys for the REST API under /api.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListAll.class, KeysCommand.Revoke.class})
final class KeysCommand {
    @ParentCommand
    Main main;

    @Command(name = "create", description = "Create a key and print it once; only its hash is stored.")
    static final class Create implements Runnable {
        @ParentCommand
        KeysCommand parent;

        @Parameters(paramLabel = "NAME", description = "What the key is for, e.g. website-signup.")
        String name;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                var created = app.apiKeys.create(name);
                System.out.println(created.secret());
                System.err.println("API key \"" + name + "\" created. It is shown only this once: store it now. "
                        + "Send it as: Authorization: Bearer <key>. Revoke it with: letterpress keys revoke \"" + name + "\"");
            }
        }
    }

    @Command(name = "list", description = "Every key with its prefix, when it was made, last used and revoked.")
    static final class ListAll implements Runnable {
        @ParentCommand
        KeysCommand parent;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                var keys = app.apiKeys.all();
                if (keys.isEmpty()) {
                    System.out.println("No API keys yet. Create one with: letterpress keys create NAME");
                }
                for (var k : keys) {
                    System.out.printf("%-30s %s...  %-8s created %s  last used %s%s%n", k.name(), k.prefix(), k.active() ? "active" : "revoked",
                            k.createdAt(), k.lastUsedAt() == null ? "never" : k.lastUsedAt(),
                            k.revokedAt() == null ? "" : "  revoked " + k.revokedAt());
                }
            }
        }
    }

    @Command(name = "revoke", description = "Revoke a key: it stops working at once.")
    static final class Revoke implements Runnable {
        @ParentCommand
        KeysCommand parent;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                System.out.println(app.apiKeys.revoke(name) ? "API key \"" + name + "\" revoked." : "API key \"" + name + "\" was already revoked.");
            }
        }
    }
}
