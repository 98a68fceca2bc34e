package io.hedgerow.router.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code hedgerow.cluster}: off by default, checked when on, and turned into Pekko's cluster settings. */
class ClusterSettingsTest {

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void aSingleNodeIsTheDefaultAndNeedsNoClusterSettings() {
    assertFalse(ClusterSettings.fromConfig(with("")).enabled());
    assertEquals("local", ConfigFactory.defaultReference().getString("pekko.actor.provider"));
  }

  @Test
  void anEnabledClusterWithoutSeedNodesIsAConfigErrorNamingThePath() {
    var e = assertThrows(ConfigException.class, () -> ClusterSettings.fromConfig(with("hedgerow.cluster.enabled = on")));
    assertTrue(e.getMessage().contains("hedgerow.cluster.seed-nodes"), e.getMessage());
    var bad = assertThrows(ConfigException.class, () -> ClusterSettings.fromConfig(
        with("hedgerow.cluster { enabled = on, seed-nodes = [\"pekko://x@h:1\"] }")));
    assertTrue(bad.getMessage().contains("host:port"), bad.getMessage());
  }

  @Test
  void aClusterNodeRunsArteryTcpWithSeedNodesAndTheKeepMajorityResolver() {
    Config pekko = ClusterSettings.fromConfig(with(
        "hedgerow.cluster { enabled = on, port = 25521, seed-nodes = [\"127.0.0.1:25521\", \"127.0.0.1:25522\"] }"))
        .pekkoConfig();
    assertEquals("cluster", pekko.getString("pekko.actor.provider"));
    assertEquals("tcp", pekko.getString("pekko.remote.artery.transport"));
    assertEquals(25521, pekko.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(List.of("pekko://hedgerow@127.0.0.1:25521", "pekko://hedgerow@127.0.0.1:25522"),
        pekko.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("keep-majority", pekko.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(List.of("gateway"), pekko.getStringList("pekko.cluster.roles"));
  }
}
