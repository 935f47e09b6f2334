package dev.letterpress;

public final class App {
}
