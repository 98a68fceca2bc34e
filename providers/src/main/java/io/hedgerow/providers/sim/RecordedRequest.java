package io.hedgerow.providers.sim;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as the simulated upstream received it, kept so tests can assert what the gateway sent.
 *
 * @param query the raw query string, empty when there is none
 * @param headers header values by lower-case name; repeated headers are joined with ", "
 */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers, String body) {

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
}
