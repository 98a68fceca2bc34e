package io.hedgerow.providers.upstream.http1;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway key pairs and self-signed certificates from the JDK's keytool, in a test's temporary directory
 * (nothing is kept in the repository), and the TLS contexts of a server holding one and of a client trusting
 * some.
 */
final class ThrowawayKeys {
  private static final String ALIAS = "test";

  private final Path dir;
  private final char[] password = new BigInteger(130, new SecureRandom()).toString(32).toCharArray();

  ThrowawayKeys(Path dir) {
    this.dir = dir;
  }

  /**
   * A new EC key pair with a certificate for {@code dname}, e.g. {@code keyPair("localhost", "CN=localhost",
   * "san=ip:127.0.0.1,dns:localhost")}; each {@code ext} is a keytool {@code -ext} value.
   */
  KeyStore keyPair(String name, String dname, String... ext) throws Exception {
    Path file = dir.resolve(name + ".p12");
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/keytool", "-genkeypair",
        "-keyalg", "EC", "-groupname", "secp256r1", "-alias", ALIAS, "-dname", dname, "-validity", "2",
        "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", new String(password)));
    for (String e : ext) {
      cmd.addAll(List.of("-ext", e));
    }
    Process keytool = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), US_ASCII);
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed: " + output);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keys.load(in, password);
    }
    return keys;
  }

  /** A server's context that presents the key pair in {@code keys}. */
  SSLContext server(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  /** A client's context that trusts the certificates of {@code trusted}, and nothing else. */
  static SSLContext clientTrusting(KeyStore... trusted) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < trusted.length; i++) {
      store.setCertificateEntry("trusted-" + i, trusted[i].getCertificate(ALIAS));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
