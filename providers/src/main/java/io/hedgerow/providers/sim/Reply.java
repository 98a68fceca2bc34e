package io.hedgerow.providers.sim;

import org.apache.pekko.http.javadsl.model.HttpResponse;

/** What the server does with one request: answer it, or drop the connection without a word. */
sealed interface Reply {

    record Answer(HttpResponse response) implements Reply {
    }

    /** Ends the connection's handler flow, which makes Pekko close the TCP connection with no response. */
    record DropConnection() implements Reply {
    }

    static Reply answer(HttpResponse response) {
        return new Answer(response);
    }

    Reply DROP = new DropConnection();
}
