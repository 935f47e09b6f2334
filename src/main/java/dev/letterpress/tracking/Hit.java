package dev.letterpress.tracking;

import java.time.Instant;

/**
 * One request to the open pixel or a click link, as the endpoint saw it, before it is classified and stored.
 * The IP address is used for classifying only and never stored.
 */
record Hit(EventStore.Kind kind, long campaign, long subscriber, Long linkId, boolean trap, boolean head,
           String userAgent, String ip, Instant at) {}
