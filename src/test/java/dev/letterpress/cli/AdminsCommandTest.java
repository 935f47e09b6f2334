package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code letterpress admins create | list | remove} in-process over a real H2 database. */
class AdminsCommandTest {
    @TempDir
    Path dir;

    @Test
    void theCommandLineCreatesListsAndRemovesAdmins() throws Exception {
        String templates = Path.of("templates").toAbsolutePath().toString().replace('\\', '/');
        Path config = Files.writeString(dir.resolve("letterpress.properties"),
                "data.dir = " + dir.resolve("data").toString().replace('\\', '/') + "\ntemplates.dir = " + templates + "\n");
        CliRunner cli = new CliRunner();
        InputStream in = System.in;
        cli.capture();
        try {
            System.setIn(new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)));
            var tooShort = cli.run(config, "admins", "create", "lin", "--password-stdin");
            assertThat(tooShort.code()).isEqualTo(1);
            assertThat(tooShort.err()).contains("too short").contains(String.valueOf(dev.letterpress.admin.AdminAccounts.MIN_PASSWORD));

            System.setIn(new ByteArrayInputStream(("correct horse battery staple" + "\n").getBytes(StandardCharsets.UTF_8)));
            var created = cli.run(config, "admins", "create", "lin", "--password-stdin");
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).contains("Admin \"lin\" created").contains("/admin");
            assertThat(cli.run(config, "admins", "list").out()).contains("lin").contains("never").doesNotContain("correct horse battery staple");

            System.setIn(new ByteArrayInputStream(("correct horse battery staple" + "\n").getBytes(StandardCharsets.UTF_8)));
            var again = cli.run(config, "admins", "create", "lin", "--password-stdin");
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err()).contains("already exists");

            assertThat(cli.run(config, "admins", "remove", "lin").code()).isZero();
            assertThat(cli.run(config, "admins", "list").out()).contains("No admin accounts yet");
            var unknown = cli.run(config, "admins", "remove", "lin");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("no admin named 'lin'");
        } finally {
            System.setIn(in);
            cli.restore();
        }
    }

}
