package dev.letterpress.issue;

/** One thing wrong with an issue, at a JSON path such as {@code sections[3].items[1].date}. */
public record Problem(String path, String message) {
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
