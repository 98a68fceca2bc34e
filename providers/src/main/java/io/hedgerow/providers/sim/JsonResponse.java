package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** Builds the JSON HTTP responses the dialects send. */
final class JsonResponse {

    /** Anthropic's non-standard overload status, which Pekko does not know by number. */
    static final StatusCode OVERLOADED_529 = StatusCodes.custom(529, "Overloaded", "Overloaded", false, true);

    private JsonResponse() {
    }

    static HttpResponse ok(JsonNode body) {
        return of(StatusCodes.OK, body);
    }

    static HttpResponse of(StatusCode status, JsonNode body, String... headerNamesAndValues) {
        HttpResponse response = HttpResponse.create()
                .withStatus(status)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, SimJson.write(body)));
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            response = response.addHeader(RawHeader.create(headerNamesAndValues[i], headerNamesAndValues[i + 1]));
        }
        return response;
    }

    static HttpResponse of(int status, JsonNode body, String... headerNamesAndValues) {
        return of(status == 529 ? OVERLOADED_529 : StatusCodes.get(status), body, headerNamesAndValues);
    }
}
