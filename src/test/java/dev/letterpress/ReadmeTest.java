package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The README documents every configuration key and opens with the two commands. */
class ReadmeTest {
    @Test
    void everyConfigKeyIsInTheReadmeAndTheReadmeStartsWithTheTwoCommands() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(Path.of("config/letterpress.properties"))) {
            props.load(in);
        }
        assertThat(props.stringPropertyNames()).isNotEmpty();
        for (String key : props.stringPropertyNames()) {
            assertThat(readme).as("README documents " + key).contains("| `" + key + "` |");
        }
        String head = readme.substring(0, readme.indexOf("## "));
        assertThat(head).contains("mvn -q package -DskipTests && java -jar target/letterpress.jar demo").contains("mvn verify");
        assertThat(Files.readString(Path.of(".ci/run"))).contains("mvn -B -ntp verify");
    }
}
