package dev.letterpress.cli;

import dev.letterpress.App;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "lists", description = "Manage mailing lists.", subcommands = {ListsCommand.Create.class, ListsCommand.Show.class, ListsCommand.Snippet.class})
final class ListsCommand {
    @ParentCommand
    Main main;

    @Command(name = "create", description = "Create a list.")
    static final class Create implements Runnable {
        @ParentCommand
        ListsCommand lists;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--description")
        String description;

        @Override
        public void run() {
            try (App app = lists.main.app()) {
                var list = app.subscribers.createList(name, description);
                System.out.println("Created list #" + list.id() + " \"" + list.name() + "\"");
            }
        }
    }

    @Command(name = "list", description = "Show every list with its confirmed subscribers.")
    static final class Show implements Runnable {
        @ParentCommand
        ListsCommand lists;

        @Override
        public void run() {
            try (App app = lists.main.app()) {
                var all = app.subscribers.listsWithCounts();
                if (all.isEmpty()) {
                    System.out.println("No lists yet. Create one with: letterpress lists create NAME");
                }
                for (var e : all) {
                    System.out.printf("#%-4d %-40s %,d confirmed%n", e.getKey().id(), e.getKey().name(), e.getValue());
                }
            }
        }
    }

    @Command(name = "snippet", description = "Print the list's public subscribe form URL and an HTML form to embed in another site.")
    static final class Snippet implements Runnable {
        @ParentCommand
        ListsCommand lists;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            try (App app = lists.main.app()) {
                var list = app.subscribers.requireList(name);
                System.out.println("<!-- Subscribe form for \"" + list.name() + "\" (double opt-in); the page itself: " + app.signup.formUrl(list) + " -->");
                System.out.print(app.signup.snippet(list));
            }
        }
    }
}
