package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** A blocking JDK HTTP client for tests, with SSE frame splitting; never used on Pekko threads. */
final class SimClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A whole response: status, headers by lower-case name, and the body as text. */
    record Reply(int status, java.net.http.HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;

    SimClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Reply post(String path, String body, String... headerNamesAndValues) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(5))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            request.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        return send(request.build(), 5_000);
    }

    Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(5)).GET().build(), 5_000);
    }

    /** Sends with a short overall deadline, for requests that are expected to time out. */
    Reply postWithin(Duration timeout, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build(), timeout.toMillis() + 2_000);
    }

    private Reply send(HttpRequest request, long deadlineMillis) throws Exception {
        try {
            HttpResponse<String> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .get(deadlineMillis, TimeUnit.MILLISECONDS);
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (ExecutionException e) {
            // Surface the client's own failure (timeout, connection closed) rather than the future's wrapper.
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The frames of an SSE body, split on the given separator, without empty trailing pieces. */
    static List<String> frames(String body, String separator) {
        List<String> out = new ArrayList<>();
        for (String piece : body.split(Pattern.quote(separator))) {
            if (!piece.isEmpty()) {
                out.add(piece);
            }
        }
        return out;
    }

    /** The JSON payloads of {@code data:} lines of the given frames, skipping {@code [DONE]}. */
    static List<JsonNode> dataPayloads(List<String> frames) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String frame : frames) {
            for (String line : frame.split("\r?\n")) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    out.add(JSON.readTree(line.substring("data: ".length())));
                }
            }
        }
        return out;
    }
}
