package io.surge.query;

import java.time.OffsetDateTime;

/** The filters of {@code GET /v1/events}; null means not filtered. {@code from} inclusive, {@code to} exclusive. */
record EventFilter(String subject, String type, String source, OffsetDateTime from, OffsetDateTime to) {}
