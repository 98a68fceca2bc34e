package io.hedgerow.router.api;

import io.hedgerow.router.routing.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The body of {@code GET /v1/models}: every route and model alias, in OpenAI's list shape. */
final class ModelList {
  private ModelList() {}

  static Map<String, Object> of(RouteTable routes) {
    List<Map<String, Object>> data = new ArrayList<>();
    routes.named().keySet().stream().sorted().forEach(name ->
        data.add(Map.of("id", name, "object", "model", "created", 0, "owned_by", "hedgerow")));
    return Map.of("object", "list", "data", data);
  }
}
