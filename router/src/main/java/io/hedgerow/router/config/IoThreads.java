package io.hedgerow.router.config;

import com.typesafe.config.Config;

/** An {@code io-threads} key: a number, or "auto" for a quarter of the cores, at least one. */
final class IoThreads {
  private IoThreads() {}

  static int read(Config c) {
    return c.getString("io-threads").equals("auto")
        ? Math.max(1, Runtime.getRuntime().availableProcessors() / 4) : c.getInt("io-threads");
  }
}
