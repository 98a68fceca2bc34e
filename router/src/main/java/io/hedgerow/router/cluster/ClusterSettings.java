package io.hedgerow.router.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code hedgerow.cluster}: whether this gateway is one node of a Pekko Cluster and, if so, its Artery
 * address, the seed nodes, its roles and how long an unreachable node is given before it is downed. Read
 * once at startup and turned into the {@code pekko.*} settings the actor system runs with.
 */
public record ClusterSettings(boolean enabled, String host, int port, List<String> seedNodes, List<String> roles,
    String shareRole, Duration stableAfter, Duration joinTimeout) {

  /** The actor system's name, which is part of every node's address. */
  public static final String SYSTEM_NAME = "hedgerow";

  public static ClusterSettings fromConfig(Config root) {
    Config c = root.getConfig("hedgerow.cluster");
    ClusterSettings s = new ClusterSettings(c.getBoolean("enabled"), c.getString("host"), c.getInt("port"),
        c.getStringList("seed-nodes"), c.getStringList("roles"), c.getString("share-role"),
        c.getDuration("split-brain-resolver.stable-after"), c.getDuration("join-timeout"));
    if (!s.enabled) return s;
    if (s.port < 0 || s.port > 65535) throw new ConfigException.BadValue("hedgerow.cluster.port", "must be a port (0-65535)");
    if (s.seedNodes.isEmpty()) throw new ConfigException.BadValue("hedgerow.cluster.seed-nodes", "must name at least one host:port");
    for (String seed : s.seedNodes) {
      if (!seed.matches("[^:/@]+:\\d{1,5}")) {
        throw new ConfigException.BadValue("hedgerow.cluster.seed-nodes", "'" + seed + "' is not host:port");
      }
    }
    if (!s.shareRole.isEmpty() && !s.roles.contains(s.shareRole)) {
      throw new ConfigException.BadValue("hedgerow.cluster.share-role", "'" + s.shareRole + "' is not one of this node's roles");
    }
    return s;
  }

  /** The Pekko settings of a cluster node; they override the same keys of the loaded config. */
  public Config pekkoConfig() {
    List<String> seeds = seedNodes.stream().map(hp -> "pekko://" + SYSTEM_NAME + "@" + hp).toList();
    return ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", "cluster",
            "pekko.remote.artery.transport", "tcp",
            "pekko.remote.artery.canonical.hostname", host,
            "pekko.remote.artery.canonical.port", port,
            "pekko.cluster.seed-nodes", seeds,
            "pekko.cluster.roles", roles,
            "pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
            "pekko.cluster.split-brain-resolver.active-strategy", "keep-majority",
            "pekko.cluster.split-brain-resolver.stable-after", stableAfter.toMillis() + "ms"));
  }
}
