package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.letterpress.cli.CliRunner.Run;
import dev.letterpress.App;
import dev.letterpress.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code letterpress keys create | list | revoke} in-process over a real H2 database. */
class KeysCommandTest {
    private final CliRunner runner = new CliRunner();
    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        runner.capture();
        String templates = Path.of("templates").toAbsolutePath().toString().replace('\\', '/');
        config = Files.writeString(dir.resolve("letterpress.properties"),
                "data.dir = " + dir.resolve("data").toString().replace('\\', '/') + "\ntemplates.dir = " + templates + "\n");
    }

    @AfterEach
    void restore() {
        runner.restore();
    }

    @Test
    void aKeyIsPrintedOnceListedWithoutItsSecretAndRevoked() {
        Run created = run("keys", "create", "website");
        assertThat(created.code()).isZero();
        String key = created.out().strip();
        assertThat(key).startsWith("lp_").hasSize(46);
        assertThat(created.err()).contains("only this once");

        Run list = run("keys", "list");
        assertThat(list.out()).contains("website").contains(key.substring(0, 8)).contains("active").doesNotContain(key);
        try (App app = App.create(ConfigLoader.fromMap(Map.of("data.dir", dir.resolve("data").toString(),
                "templates.dir", Path.of("templates").toAbsolutePath().toString())))) {
            assertThat(app.apiKeys.authenticate(key)).isPresent();
        }

        Run dup = run("keys", "create", "website");
        assertThat(dup.code()).isEqualTo(1);
        assertThat(dup.err()).startsWith("error: ").contains("already exists");

        assertThat(run("keys", "revoke", "website").out()).contains("revoked");
        assertThat(run("keys", "list").out()).contains("revoked");
        try (App app = App.create(ConfigLoader.fromMap(Map.of("data.dir", dir.resolve("data").toString(),
                "templates.dir", Path.of("templates").toAbsolutePath().toString())))) {
            assertThat(app.apiKeys.authenticate(key)).isEmpty();
        }
        Run unknown = run("keys", "revoke", "nobody");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no API key named 'nobody'");
    }

    private Run run(String... args) {
        return runner.run(config, args);
    }
}
