package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.admin.AdminAccounts;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "admins", description = "Accounts of the web admin under /admin.",
        subcommands = {AdminsCommand.Create.class, AdminsCommand.ListAll.class, AdminsCommand.Remove.class})
final class AdminsCommand {
    @ParentCommand
    Main main;

    @Command(name = "create", description = "Create an account; asks for the password twice (or reads one line with --password-stdin).")
    static final class Create implements Runnable {
        @ParentCommand
        AdminsCommand parent;

        @Parameters(paramLabel = "NAME", description = "The name to sign in with.")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input (for scripts).")
        boolean stdin;

        @Override
        public void run() {
            String password = stdin ? firstLine() : prompt();
            String problem = AdminAccounts.passwordProblem(password);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            try (App app = parent.main.app()) {
                app.admins.create(name, password);
                String base = app.config.http().publicBaseUrl().toString();
                System.out.println("Admin \"" + name + "\" created. Sign in at " + base + "/admin");
            }
        }

        private static String firstLine() {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new IllegalArgumentException("--password-stdin: standard input was empty; pipe the password in, e.g. from a secret file");
                }
                return line;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read standard input: " + e.getMessage(), e);
            }
        }

        private static String prompt() {
            Console console = System.console();
            if (console == null) {
                throw new IllegalArgumentException("no console to ask for the password on; use --password-stdin in scripts");
            }
            char[] first = console.readPassword("Password for the new admin (at least %d characters): ", AdminAccounts.MIN_PASSWORD);
            char[] again = console.readPassword("The same password again: ");
            try {
                if (first == null || again == null || !Arrays.equals(first, again)) {
                    throw new IllegalArgumentException("the two passwords differ; nothing was created");
                }
                return new String(first);
            } finally {
                if (first != null) {
                    Arrays.fill(first, ' ');
                }
                if (again != null) {
                    Arrays.fill(again, ' ');
                }
            }
        }
    }

    @Command(name = "list", description = "Every admin account, when it was made and when it last signed in.")
    static final class ListAll implements Runnable {
        @ParentCommand
        AdminsCommand parent;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                var all = app.admins.all();
                if (all.isEmpty()) {
                    System.out.println("No admin accounts yet. Create one with: letterpress admins create NAME");
                }
                for (var a : all) {
                    System.out.printf("%-30s created %s  last sign-in %s%n", a.name(), a.createdAt(), a.lastSignInAt() == null ? "never" : a.lastSignInAt());
                }
            }
        }
    }

    @Command(name = "remove", description = "Remove an account; its sessions end at once.")
    static final class Remove implements Runnable {
        @ParentCommand
        AdminsCommand parent;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                app.admins.remove(name);
                System.out.println("Admin \"" + name + "\" removed; their sessions have ended.");
            }
        }
    }
}
