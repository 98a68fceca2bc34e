package io.hedgerow.router.config;

import java.util.Map;
import java.util.Optional;

/** Where provider credentials come from: the process environment in production, a map in tests. */
@FunctionalInterface
public interface Environment {
  Optional<String> get(String name);

  static Environment system() {
    return name -> Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
  }

  static Environment of(Map<String, String> values) {
    return name -> Optional.ofNullable(values.get(name));
  }
}
