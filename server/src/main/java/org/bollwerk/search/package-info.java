/**
 * Full-text search of room messages ({@code POST /_matrix/client/v3/search}): an index of keyed hashes of
 * the words of message bodies, room names and topics, kept up to date behind the event stream by
 * {@link org.bollwerk.search.SearchIndexer}; queries decrypt the candidate events to rank and highlight them.
 * The index holds no words (docs/adr/0011-search-index.md). Public API: {@link org.bollwerk.search.SearchIndexer}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Search", allowedDependencies = {
        "account", "cluster", "filter", "keys", "ratelimit", "room", "storage", "tenant", "web"})
package org.bollwerk.search;
