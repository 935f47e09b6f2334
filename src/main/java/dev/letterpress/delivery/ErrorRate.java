package dev.letterpress.delivery;

/**
 * The share of failed attempts among the last {@code window} of a run. A campaign whose receivers start
 * refusing (a blocklisting, a broken relay) pauses itself instead of burning through its list.
 */
final class ErrorRate {
    private final boolean[] ring;
    private final double threshold;
    private int next;
    private int filled;
    private int failures;

    ErrorRate(int window, double threshold) {
        this.ring = new boolean[window];
        this.threshold = threshold;
    }

    /** Records one attempt; true once the window is full and its failure share is above the threshold. */
    synchronized boolean record(boolean failed) {
        if (filled == ring.length) {
            failures -= ring[next] ? 1 : 0;
        } else {
            filled++;
        }
        ring[next] = failed;
        failures += failed ? 1 : 0;
        next = (next + 1) % ring.length;
        return filled == ring.length && share() > threshold;
    }

    synchronized double share() {
        return filled == 0 ? 0 : (double) failures / filled;
    }

    int window() {
        return ring.length;
    }
}
