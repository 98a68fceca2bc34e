package io.hedgerow.providers.sim;

import java.util.ArrayDeque;
import java.util.List;

/** The most recent requests an instance received, oldest first, bounded so a load test cannot exhaust memory. */
final class RequestLog {

    static final int CAPACITY = 200;

    private final ArrayDeque<RecordedRequest> entries = new ArrayDeque<>(CAPACITY);

    synchronized void add(RecordedRequest request) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(request);
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
