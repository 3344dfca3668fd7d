package org.bollwerk.userdata;

import tools.jackson.databind.node.ObjectNode;

/** One account data event: {@code {"type": type, "content": content}} in /sync. */
public record AccountDataEntry(String type, ObjectNode content) {
}
