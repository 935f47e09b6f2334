package dev.letterpress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `bench import`, small: the warm-up goes to its own list and readers, and the re-import changes nothing. */
class BenchImportCliTest {
    private final CliRunner runner = new CliRunner();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        runner.capture();
    }

    @AfterEach
    void restore() {
        runner.restore();
    }

    @Test
    void warmUpImportsOtherReadersThenTheMeasuredImportAndItsRepeat() throws Exception {
        var run = runner.execute("bench", "import", "--rows", "50", "--warmup", "20", "--dir", dir.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("warm-up \\(not counted\\) +20 rows in .* s CPU of which JIT \\d+\\.\\d s \\(added 20, unchanged 0, subscribed 20\\)")
                .containsPattern("first import +50 rows in .*\\(added 50, unchanged 0, subscribed 50\\)")
                .containsPattern("re-import \\(idempotent\\) +50 rows in .*\\(added 0, unchanged 50, subscribed 0\\)");

        var bad = runner.execute("bench", "import", "--rows", "5", "--warmup", "-1", "--dir", dir.resolve("other").toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--warmup must be 0 or more");
    }
}
